// `hardnut diff A B`: two versions of a unit side by side — two unit files,
// or a unit and the same unit with a drop-in (B ending in ".conf") — with
// the checks whose result changed and the exposure before and after. Both
// sides are scored by the engine as `hardnut security` would score them.
#pragma once

#include <ostream>
#include <string>

#include "harden/what_if.h"

namespace hardnut {

struct DiffOptions {
  std::string a, b;  // unit files or names; b may be a drop-in "*.conf"
  std::string root;
  Scope scope = Scope::kSystem;
  std::string policy_path;
  std::vector<std::string> set_lines;  // applied to both sides
  std::string format = "text";         // text or json
  unsigned systemd_version = 252;      // --systemd-version= (0: auto)
};

struct CheckChange {
  const CheckResult* before;
  const CheckResult* after;
};

// The checks whose badness or row exposure differ, in B's print order.
std::vector<CheckChange> changed_checks(const Assessment& before, const Assessment& after);

int run_diff(const DiffOptions& options, const Environment& env, std::ostream& out,
             std::ostream& err);

}  // namespace hardnut
