// The unit-file directives: which keys each section knows (from systemd's
// own list of configuration items) and how the ones the assessment reads
// are parsed into a UnitConfig, with systemd's warnings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "directives/unit_config.h"
#include "model/syscall_filter.h"
#include "model/systemd_version.h"
#include "unit/specifiers.h"

namespace hardnut {

// The section a unit type keeps its type-specific settings in ("Service").
std::string type_section(std::string_view unit_type);

// Whether a section may appear in a unit of this type.
bool is_known_section(std::string_view unit_type, std::string_view section);

// Whether systemd 252 knows KEY in SECTION.
bool is_known_key(std::string_view section, std::string_view key);
// Whether that version of systemd knows KEY in SECTION.
bool is_known_key(const SystemdVersion& version, std::string_view section, std::string_view key);

struct AssignmentContext {
  UnitConfig& config;
  const SpecifierContext& specifiers;
  const SyscallTable& syscalls;
  std::vector<std::string>& warnings;        // "file:line:"-prefixed by the caller
  std::vector<std::string>& plain_messages;  // printed without a location
  bool fatal = false;                        // systemd refuses the unit
  const SystemdVersion* version = nullptr;   // whose keys and values; nullptr: 252
};

// Whether `version` takes KEY=VALUE in SECTION without a complaint: the key
// is known and the value parses (no warning, not fatal). For suggest and
// harden, which must never propose what the target version rejects.
// `syscalls` is the version's syscall table (model/systemd_version.h).
bool accepts_assignment(const SystemdVersion& version, const SyscallTable& syscalls,
                        std::string_view section, const std::string& key, const std::string& value);

// Applies one KEY=VALUE line of SECTION.
void apply_assignment(std::string_view section, const std::string& key, const std::string& value,
                      AssignmentContext& ctx);

}  // namespace hardnut
