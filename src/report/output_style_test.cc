#include "report/output_style.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

namespace hardnut {
namespace {

// systemd's is_locale_utf8(): a locale that cannot be set counts as UTF-8,
// and so does C when no variable asked for it.
TEST(OutputStyleTest, Utf8FollowsTheLocaleLikeSystemd) {
  auto utf8 = [](std::map<std::string, std::string> vars) {
    Environment env;
    env.vars = std::move(vars);
    return output_style(env).utf8;
  };
  EXPECT_TRUE(utf8({}));
  EXPECT_TRUE(utf8({{"LANG", "C.UTF-8"}}));
  EXPECT_FALSE(utf8({{"LANG", "C"}}));
  EXPECT_FALSE(utf8({{"LANG", ""}}));
  EXPECT_FALSE(utf8({{"LANG", "POSIX"}}));
  EXPECT_FALSE(utf8({{"LC_CTYPE", "C"}, {"LANG", "C.UTF-8"}}));
  EXPECT_TRUE(utf8({{"LC_ALL", "C.UTF-8"}, {"LANG", "C"}}));
  EXPECT_TRUE(utf8({{"LANG", "xx_NOT.INSTALLED"}}));
  EXPECT_FALSE(utf8({{"SYSTEMD_UTF8", "0"}, {"LANG", "C.UTF-8"}}));
}

// Tables fit the terminal only when writing to one without a pager.
TEST(OutputStyleTest, WidthOnlyOnTerminalsWithoutPager) {
  Environment env;
  env.vars = {{"COLUMNS", "100"}};
  EXPECT_EQ(output_style(env).width, 0u);
  env.stdout_is_tty = true;
  EXPECT_EQ(output_style(env).width, 100u);
  env.vars = {{"COLUMNS", "x"}};
  env.tty_columns = 132;
  EXPECT_EQ(output_style(env).width, 132u);
  env.tty_columns = 0;
  EXPECT_EQ(output_style(env).width, 80u);
  env.pager_active = true;
  EXPECT_EQ(output_style(env).width, 0u);
}

}  // namespace
}  // namespace hardnut
