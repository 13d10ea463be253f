// Syntax checks of the directives the assessment does not read, so that
// hardnut warns about them exactly as systemd does (same text, same line).
// They never change the score. The value sets and wordings are 252's; the
// versions' differences are data of their SystemdVersion profiles
// (extra_choices, parser_messages, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/systemd_version.h"
#include "unit/specifiers.h"

namespace hardnut {

// `type` is the value type systemd documents for the key ("BOOLEAN",
// "SECONDS", "PATH [...]", "OTHER", ...; from data/config-items-v252.txt).
// Appends systemd's warnings for a bad value to `warnings` (without the
// "file:line: " prefix; `plain` gets the notices systemd prints without
// one). Returns true when systemd refuses the unit for it. A warning the
// version words with the check's errno ({errno} of a MessageRewrite) is
// given in the version's wording; the other rewordings are the caller's.
bool check_value_syntax(const SystemdVersion& version, std::string_view section,
                        const std::string& key, std::string_view type, const std::string& value,
                        const SpecifierContext& specifiers, std::vector<std::string>& warnings,
                        std::vector<std::string>& plain);

// SuccessAction=, FailureAction=, ...: what the version accepts.
bool is_emergency_action(const SystemdVersion& version, const std::string& value);

// The notice for a setting systemd no longer supports but still recognises
// (instead of "Unknown key"), if `key` is one.
std::optional<std::string> removed_option_message(std::string_view section, const std::string& key);

enum class PathRule { kAbsolute, kRelative };

// systemd's path_simplify_and_warn(): the simplified path, or nullopt after
// warning that it is (not) absolute, too long or not normalized. `fatal`
// drops the ", ignoring" of the messages.
std::optional<std::string> checked_path(const std::string& key, const std::string& path,
                                        PathRule rule, bool fatal,
                                        std::vector<std::string>& warnings);

}  // namespace hardnut
