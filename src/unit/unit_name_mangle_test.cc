#include "unit/unit_name_mangle.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

std::string mangled(std::string_view arg) {
  auto m = mangle_unit_name(arg);
  if (!m) return "<invalid>";
  return m->is_path ? "<path>" : m->name;
}

TEST(LiveUnitName, Validity) {
  EXPECT_TRUE(systemd_unit_name_is_valid("foo.service"));
  EXPECT_TRUE(systemd_unit_name_is_valid("foo@.service"));
  EXPECT_TRUE(systemd_unit_name_is_valid("foo@a@b.service"));  // '@' allowed in an instance
  EXPECT_TRUE(systemd_unit_name_is_valid(".service.service"));
  EXPECT_FALSE(systemd_unit_name_is_valid("@x.service"));
  EXPECT_FALSE(systemd_unit_name_is_valid(".service"));
  EXPECT_FALSE(systemd_unit_name_is_valid("foo.bar"));
  EXPECT_FALSE(systemd_unit_name_is_valid("a b.service"));
  EXPECT_FALSE(systemd_unit_name_is_valid(std::string(252, 'a') + ".service"));
}

TEST(LiveUnitName, MangledAsSystemdDoes) {
  EXPECT_EQ(mangled("helloworld"), "helloworld.service");
  EXPECT_EQ(mangled("helloworld.service"), "helloworld.service");
  EXPECT_EQ(mangled("x.socket"), "x.socket");
  EXPECT_EQ(mangled("a b"), "a\\x20b.service");
  EXPECT_EQ(mangled("foo/bar"), "foo-bar.service");
  EXPECT_EQ(mangled("foo.bar"), "foo.bar.service");
  EXPECT_EQ(mangled(".service"), ".service.service");
  EXPECT_EQ(mangled("hn-tmpl@"), "hn-tmpl@.service");
  EXPECT_EQ(mangled("/etc/passwd"), "<path>");
  EXPECT_EQ(mangled("/a/../b"), "-a-..-b.service");  // no unit name from a ".." path
  EXPECT_EQ(mangled("@x.service"), "<invalid>");
  EXPECT_EQ(mangled(""), "<invalid>");
}

TEST(LiveUnitName, TemplatesAnalysedAsTestInstance) {
  EXPECT_EQ(live_analysed_name("foo@.service", "test-instance"), "foo@test-instance.service");
  EXPECT_EQ(live_analysed_name("foo@.service", "test_instance"), "foo@test_instance.service");
  EXPECT_EQ(live_analysed_name("foo@bar.service", "test-instance"), "foo@bar.service");
  EXPECT_EQ(live_analysed_name("foo.service", "test-instance"), "foo.service");
}

}  // namespace
}  // namespace hardnut
