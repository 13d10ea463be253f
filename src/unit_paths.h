// The unit search path: which directories systemd looks in for unit files
// and drop-ins, in priority order, for the system or the user manager.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "root_fs.h"

namespace hardnut {

enum class Scope { kSystem, kUser };

// One directory of the search path, and the tree it lives in.
struct SearchDir {
  const RootFs* fs;
  std::string path;
};

// The standard directories of a scope (no --root prefix: paths are in the
// root's own view). `env` provides HOME, XDG_* and SYSTEMD_UNIT_PATH.
// Returns an empty list and sets `error` when the scope cannot be set up
// (user scope without XDG_RUNTIME_DIR, as systemd).
std::vector<std::string> standard_unit_path(Scope scope,
                                            const std::map<std::string, std::string>& env,
                                            std::string& error);

}  // namespace hardnut
