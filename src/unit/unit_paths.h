// The unit search path: which directories systemd looks in for unit files
// and drop-ins, in priority order, for the system or the user manager.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "base/environment.h"
#include "base/root_fs.h"

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

// The unit search path of the manager of `scope`: $SYSTEMD_UNIT_PATH (on
// `host`), then the scope's standard directories (in `root`). False, with
// systemd's messages in `err`, when the standard path cannot be built.
bool manager_search_path(Scope scope, const Environment& env, const RootFs& root,
                         const RootFs& host, std::vector<SearchDir>& dirs, std::ostream& err);

}  // namespace hardnut
