// Security policy files (--security-policy=): per-check overrides of
// weight, range and descriptions, keyed by the check's JSON field.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hardnut {

struct CheckOverride {
  // 64-bit as in systemd, whose arithmetic on them wraps the same way.
  std::optional<uint64_t> weight;
  std::optional<uint64_t> range;
  std::optional<std::string> description_good;
  std::optional<std::string> description_bad;
  std::optional<std::string> description_na;
};

using Policy = std::map<std::string, CheckOverride>;

// Parses a policy document as systemd 252 does: unknown keys and values of
// the wrong type are ignored. Returns false and sets `error` (systemd's
// "<line>:<column>: <reason>") when the text is not JSON.
bool parse_policy(const std::string& text, Policy& policy, std::string& error);

}  // namespace hardnut
