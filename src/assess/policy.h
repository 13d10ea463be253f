// Security policy files (--security-policy=): per-check overrides of
// weight, range and descriptions, keyed by the check's JSON field.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
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

class RootFs;
struct SystemdVersion;

// Where systemd-analyze looks for a policy without --security-policy=,
// in order: the first that exists is used.
inline constexpr std::array<const char*, 5> kDefaultPolicyPaths = {
    "/etc/systemd/systemd-analyze-security.policy",
    "/run/systemd/systemd-analyze-security.policy",
    "/usr/local/lib/systemd/systemd-analyze-security.policy",
    "/usr/lib/systemd/systemd-analyze-security.policy",
    "/lib/systemd/systemd-analyze-security.policy",
};

// Reads the policy file into `policy`: `policy_path` (--security-policy=,
// on the host) or else the first systemd-analyze-security.policy installed
// in `fs`; none is no error. Errors, in systemd's words, go to `err`.
// With `version`, what that systemd accepts (none before 250).
bool load_policy(const std::string& policy_path, const RootFs& fs, Policy& policy,
                 std::ostream& err, const SystemdVersion* version = nullptr);

}  // namespace hardnut
