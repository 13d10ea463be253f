// Exec*= command lines (ExecStart=, ExecStop=, ...): how many commands a
// line adds, and the errors for which systemd ignores the line or refuses
// the whole unit.
#pragma once

#include <string>
#include <vector>

#include "unit/specifiers.h"

namespace hardnut {

struct ExecLine {
  unsigned commands = 0;  // commands added (0 when the line was ignored)
  bool fatal = false;     // systemd refuses the unit
  std::vector<std::string> warnings;
};

ExecLine parse_exec_line(const std::string& value, const SpecifierContext& specifiers);

}  // namespace hardnut
