// Unit names as users type them: live mode, suggest and harden take them
// after systemd's mangling ("foo" -> "foo.service", "a b" -> escaped),
// where offline mode takes file paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hardnut {

// systemd's unit_name_is_valid() for any form: plain, template, instance.
// Unlike parse_unit_name(), an instance may itself contain '@'.
bool systemd_unit_name_is_valid(std::string_view name);

// What systemd's unit_name_mangle() (no globs) makes of an argument. An
// absolute path becomes a .mount or .device name; only the fact is kept
// (`is_path`) since live mode refuses every non-service unit anyway.
// nullopt when no valid name results: "Failed to mangle unit name '…':
// Invalid argument".
struct MangledName {
  std::string name;
  bool is_path = false;
};
std::optional<MangledName> mangle_unit_name(std::string_view arg);

// The unit systemd-analyze analyses for a mangled service name: a
// template "foo@.service" as its instance `instance`
// ("foo@test-instance.service" in 252).
std::string live_analysed_name(const std::string& mangled, std::string_view instance);

}  // namespace hardnut
