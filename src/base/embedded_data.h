// Data files from data/ compiled into the binary (syscall groups, the list
// of known directives), so hardnut needs nothing installed beside it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string_view>

namespace hardnut {

// The content of data/NAME; empty if there is no such file.
std::string_view embedded_file(std::string_view name);

// What `build` makes of data/NAME, made on first use and kept for the run.
// Each systemd version has its own files, and a run needs one version's:
// building every version's up front was most of a small scan's start-up.
// Safe from any thread; callers in hot paths keep the reference.
template <class T, class Build>
const T& built_from_file(std::string_view name, Build build) {
  static std::mutex mutex;
  static std::map<std::string_view, std::unique_ptr<const T>> built;
  std::lock_guard lock(mutex);
  auto& slot = built[name];
  if (!slot) slot = std::make_unique<const T>(build(embedded_file(name)));
  return *slot;
}

}  // namespace hardnut
