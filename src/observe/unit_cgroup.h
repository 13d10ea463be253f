// Where a unit's cgroup is on the unified (v2) hierarchy, as the recorder
// needs it: the ids of its directory and of its parent's (the kernel's
// cgroup ids are those directories' inode numbers).
#pragma once

#include <cstdint>
#include <string>

namespace hardnut {

// The cgroup a unit of `slice` gets: "system.slice" + "nginx.service" ->
// "/system.slice/nginx.service"; nested slices expand by their dashes
// ("a-b.slice" lives in "/a.slice/a-b.slice"), "-.slice" is the root.
std::string unit_cgroup_path(const std::string& slice, const std::string& unit);

// The mount point of the cgroup2 hierarchy: /sys/fs/cgroup on a unified
// host, /sys/fs/cgroup/unified on a hybrid one; "" when there is none.
std::string unified_cgroup_root();

struct UnitCgroup {
  std::string path;        // "/system.slice/nginx.service", relative to the root
  uint64_t id = 0;         // 0: does not exist now (the unit is not running)
  uint64_t parent_id = 0;  // the parent's; 0 when that does not exist either
  std::string name;        // "nginx.service"
};

// Looks `path` up below `root` (unified_cgroup_root()).
UnitCgroup find_unit_cgroup(const std::string& root, const std::string& path);

}  // namespace hardnut
