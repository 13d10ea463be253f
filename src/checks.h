// The checks of `systemd-analyze security` (systemd 252): one row of data
// per check, in systemd's definition order, and the rules that score them.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exec_settings.h"
#include "syscall_filter.h"
#include "systemd_version.h"

namespace hardnut {

// Badness of a check that does not apply to the unit.
constexpr uint64_t kNotApplicable = std::numeric_limits<uint64_t>::max();

struct CheckOutcome {
  uint64_t badness = 0;
  // A description computed by the rule; wins over the table's strings.
  std::optional<std::string> description;
};

struct Check;

// What a rule may consult besides the settings.
struct RuleContext {
  const SyscallTable& syscalls;
  bool online = false;  // live mode classifies IPAddressAllow= differently
  // The version whose wording and rules apply; nullptr: 252.
  const SystemdVersion* version = nullptr;
};

using Rule = CheckOutcome (*)(const ExecSettings&, const Check&, const RuleContext&);

struct Check {
  std::string_view name;        // "PrivateDevices=" (the NAME column)
  std::string_view json_field;  // "PrivateDevices"
  std::string_view url_anchor;  // directive the NAME links to in systemd.exec(5)
  unsigned weight;
  unsigned range;
  bool default_dependencies_only;  // n/a when DefaultDependencies=no
  std::string_view description_good;
  std::string_view description_bad;
  std::string_view description_na;
  Rule rule;
  // Rule parameters: the boolean setting, capability mask, namespace flag or
  // address family group, and the syscall group.
  bool ExecSettings::*setting = nullptr;
  uint64_t bits = 0;
  std::string_view syscall_group = {};
};

// The 81 checks of systemd 252, in definition order.
const std::vector<Check>& checks_v252();

// The checks of a version: 252's table without the checks it lacks, with
// its names and descriptions (SystemdVersion).
const std::vector<Check>& checks_for(const SystemdVersion& version);

}  // namespace hardnut
