#include "observe/unit_cgroup.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

namespace hardnut {

std::string unit_cgroup_path(const std::string& slice, const std::string& unit) {
  std::string path;
  const std::string suffix = ".slice";
  if (!slice.empty() && slice != "-.slice" && slice.size() > suffix.size()) {
    std::string stem = slice.substr(0, slice.size() - suffix.size());
    for (size_t dash = stem.find('-'); dash != std::string::npos; dash = stem.find('-', dash + 1))
      path += "/" + stem.substr(0, dash) + suffix;
    path += "/" + slice;
  }
  return path + "/" + unit;
}

std::string unified_cgroup_root() {
  for (const char* candidate : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    struct statfs fs;
    if (statfs(candidate, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) return candidate;
  }
  return "";
}

UnitCgroup find_unit_cgroup(const std::string& root, const std::string& path) {
  UnitCgroup c;
  c.path = path;
  size_t slash = path.rfind('/');
  c.name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string parent = slash == std::string::npos || slash == 0 ? "" : path.substr(0, slash);
  struct stat st;
  if (stat((root + path).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) c.id = st.st_ino;
  if (stat((root + parent).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) c.parent_id = st.st_ino;
  return c;
}

}  // namespace hardnut
