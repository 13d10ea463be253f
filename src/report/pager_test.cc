#include "report/pager.h"

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

TEST(PagerTest, CatWithArgumentsOrBlanksMeansNoPager) {
  EXPECT_EQ(pager_command({{"SYSTEMD_PAGER", "cat -v"}}), "");
  EXPECT_EQ(pager_command({{"PAGER", " \t "}}), "");
  EXPECT_EQ(pager_command({{"PAGER", "less -R"}}), "less -R");
}

TEST(PagerTest, SystemdLessReplacesLess) {
  auto env = pager_environment({{"LESS", "-N"}}, /*utf8=*/true);
  EXPECT_EQ(env["LESS"], "FRSXMK");
  EXPECT_EQ(env["LESSCHARSET"], "utf-8");
  env = pager_environment({{"SYSTEMD_LESS", "R"}, {"SYSTEMD_LESSCHARSET", "latin1"}}, true);
  EXPECT_EQ(env["LESS"], "R");
  EXPECT_EQ(env["LESSCHARSET"], "latin1");
  EXPECT_EQ(pager_environment({}, /*utf8=*/false).count("LESSCHARSET"), 0u);
}

TEST(PagerTest, NotStartedWithoutTerminal) {
  Pager p({{"SYSTEMD_PAGER", "less"}}, /*stdout_is_tty=*/false, /*no_pager=*/false);
  EXPECT_FALSE(p.active());
  Pager q({{"SYSTEMD_PAGER", "less"}}, /*stdout_is_tty=*/true, /*no_pager=*/true);
  EXPECT_FALSE(q.active());
}

}  // namespace
}  // namespace hardnut
