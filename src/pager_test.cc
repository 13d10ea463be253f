#include "pager.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

TEST(PagerTest, SystemdPagerWinsOverPager) {
  EXPECT_EQ(pager_command({{"SYSTEMD_PAGER", "most"}, {"PAGER", "more"}}), "most");
  EXPECT_EQ(pager_command({{"PAGER", "more"}}), "more");
  EXPECT_EQ(pager_command({}), "less");
}

TEST(PagerTest, EmptyOrCatMeansNoPager) {
  EXPECT_EQ(pager_command({{"SYSTEMD_PAGER", ""}, {"PAGER", "more"}}), "");
  EXPECT_EQ(pager_command({{"SYSTEMD_PAGER", "cat"}}), "");
  EXPECT_EQ(pager_command({{"PAGER", "cat"}}), "");
}

TEST(PagerTest, NotStartedWithoutTerminal) {
  Pager p({{"SYSTEMD_PAGER", "less"}}, /*stdout_is_tty=*/false, /*no_pager=*/false);
  EXPECT_FALSE(p.active());
  Pager q({{"SYSTEMD_PAGER", "less"}}, /*stdout_is_tty=*/true, /*no_pager=*/true);
  EXPECT_FALSE(q.active());
}

}  // namespace
}  // namespace hardnut
