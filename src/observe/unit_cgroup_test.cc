#include "observe/unit_cgroup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace hardnut {
namespace {

TEST(UnitCgroupTest, SlicesNestByTheirDashes) {
  EXPECT_EQ(unit_cgroup_path("system.slice", "nginx.service"), "/system.slice/nginx.service");
  EXPECT_EQ(unit_cgroup_path("system-getty.slice", "getty@tty1.service"),
            "/system.slice/system-getty.slice/getty@tty1.service");
  EXPECT_EQ(unit_cgroup_path("a-b-c.slice", "x.service"),
            "/a.slice/a-b.slice/a-b-c.slice/x.service");
  EXPECT_EQ(unit_cgroup_path("-.slice", "init.scope"), "/init.scope");
}

TEST(UnitCgroupTest, IdsAreTheDirectoriesInodes) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("hardnut-cg-" + std::to_string(getpid()));
  fs::create_directories(root / "system.slice");
  struct stat st;
  ASSERT_EQ(stat((root / "system.slice").c_str(), &st), 0);
  UnitCgroup c = find_unit_cgroup(root.string(), "/system.slice/x.service");
  EXPECT_EQ(c.name, "x.service");
  EXPECT_EQ(c.id, 0u);  // not running
  EXPECT_EQ(c.parent_id, st.st_ino);
  fs::create_directories(root / "system.slice" / "x.service");
  ASSERT_EQ(stat((root / "system.slice" / "x.service").c_str(), &st), 0);
  EXPECT_EQ(find_unit_cgroup(root.string(), "/system.slice/x.service").id, st.st_ino);
  fs::remove_all(root);
}

}  // namespace
}  // namespace hardnut
