#include "directive_syntax.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

// The warnings systemd 252 prints for one [Service] line (expected texts
// taken from `systemd-analyze security --offline=yes`).
std::vector<std::string> warnings_for(const std::string& key, const std::string& value,
                                      std::string_view section = "Service", bool* fatal = nullptr) {
  SpecifierContext spec{*parse_unit_name("foo.service"), "/etc/systemd/system/foo.service"};
  std::vector<std::string> warnings, plain;
  bool refused = check_value_syntax(section, key, "OTHER", value, spec, warnings, plain);
  if (fatal) *fatal = refused;
  return warnings;
}

using Lines = std::vector<std::string>;

TEST(DirectiveSyntaxTest, NamespacePathsWarnPerWord) {
  EXPECT_EQ(warnings_for("ReadWritePaths", "-x/y +/a -+b \"c d\" /e/../f /g/./h"),
            (Lines{"ReadWritePaths= path is not absolute, ignoring: x/y",
                   "ReadWritePaths= path is not absolute, ignoring: b",
                   "ReadWritePaths= path is not absolute, ignoring: c d",
                   "ReadWritePaths= path is not normalized, ignoring: /e/../f"}));
  EXPECT_EQ(warnings_for("ReadOnlyPaths", "/a \"b"),
            (Lines{"Failed to extract first word, ignoring: /a \"b"}));
  EXPECT_EQ(warnings_for("ReadWritePaths", "-%Z rel"),
            (Lines{"Failed to resolve unit specifiers in %Z: Invalid slot",
                   "ReadWritePaths= path is not absolute, ignoring: rel"}));
  EXPECT_TRUE(warnings_for("ReadWritePaths", "").empty());
}

TEST(DirectiveSyntaxTest, ExecDirectoriesMustBeRelative) {
  EXPECT_EQ(warnings_for("RuntimeDirectory", "/abs x:y /z:w"),
            (Lines{"RuntimeDirectory= path is absolute, ignoring: /abs",
                   "RuntimeDirectory= path is absolute, ignoring: /z"}));
  EXPECT_EQ(warnings_for("LogsDirectory", "a/./../b"),
            (Lines{"LogsDirectory= path is not normalized, ignoring: a/../b"}));
}

TEST(DirectiveSyntaxTest, BindPathsFieldsAreNotCoalesced) {
  EXPECT_EQ(warnings_for("BindReadOnlyPaths", "-rel:/x:rbind"),
            (Lines{"BindReadOnlyPaths= path is not absolute, ignoring: rel",
                   "BindReadOnlyPaths= path is not absolute, ignoring: rbind"}));
  EXPECT_EQ(warnings_for("BindPaths", "/a  /b"),
            (Lines{"BindPaths= path is not absolute, ignoring: "}));
  EXPECT_EQ(warnings_for("BindPaths", "/a:/b:ro:x"),
            (Lines{"Invalid option string, ignoring setting: ro:x"}));
}

TEST(DirectiveSyntaxTest, ConditionPathPrefixes) {
  EXPECT_EQ(warnings_for("ConditionPathExists", "|!rel", "Unit"),
            (Lines{"ConditionPathExists= path is not absolute, ignoring: rel"}));
  EXPECT_EQ(warnings_for("ConditionPathExists", "!!rel", "Unit"),
            (Lines{"ConditionPathExists= path is not absolute, ignoring: !rel"}));
  EXPECT_TRUE(warnings_for("AssertPathIsDirectory", "/srv", "Unit").empty());
}

TEST(DirectiveSyntaxTest, Numbers) {
  EXPECT_EQ(warnings_for("TasksMax", "-1"),
            (Lines{"Invalid maximum tasks value '-1', ignoring: Numerical result out of range"}));
  EXPECT_EQ(warnings_for("TasksMax", "0"),
            (Lines{"Maximum tasks value '0' out of range, ignoring."}));
  EXPECT_TRUE(warnings_for("TasksMax", "50%").empty());
  EXPECT_EQ(warnings_for("Nice", "100"), (Lines{"Nice priority out of range, ignoring: 100"}));
  EXPECT_EQ(warnings_for("LimitNOFILE", "4096:1024"),
            (Lines{"Soft resource limit chosen higher than hard limit, ignoring: 4096:1024"}));
  EXPECT_TRUE(warnings_for("LimitAS", "1G:2G").empty());
  EXPECT_EQ(warnings_for("MemoryHigh", "0"), (Lines{"Memory limit '0' out of range, ignoring."}));
  EXPECT_TRUE(warnings_for("MemoryLow", "0").empty());
  EXPECT_TRUE(warnings_for("MemoryMax", "1G 512M").empty());
  EXPECT_EQ(warnings_for("CPUQuota", "50"), (Lines{"Invalid CPU quota '50', ignoring."}));
  EXPECT_TRUE(warnings_for("CPUQuota", "200%").empty());
  EXPECT_TRUE(warnings_for("SystemCallErrorNumber", "eperm").empty());
  EXPECT_EQ(warnings_for("SystemCallErrorNumber", "0"),
            (Lines{"Invalid error number, ignoring: 0"}));
}

TEST(DirectiveSyntaxTest, ServiceTimeoutsHaveTheirOwnMessages) {
  EXPECT_EQ(warnings_for("TimeoutSec", "soon"),
            (Lines{"Failed to parse TimeoutSec= parameter, ignoring: soon"}));
  EXPECT_EQ(warnings_for("TimeoutStopSec", ""), (Lines{"Failed to parse time value, ignoring: "}));
  EXPECT_TRUE(warnings_for("TimeoutAbortSec", "").empty());
}

TEST(DirectiveSyntaxTest, EnvironmentAndOutput) {
  EXPECT_EQ(warnings_for("Environment", "A=b =x 1A=b"),
            (Lines{"Invalid environment assignment, ignoring: =x",
                   "Invalid environment assignment, ignoring: 1A=b"}));
  bool fatal = true;
  EXPECT_EQ(warnings_for("StandardOutput", "file:rel", "Service", &fatal),
            (Lines{"StandardOutput= path is not absolute: rel"}));
  EXPECT_FALSE(fatal);  // worded like a fatal error, yet systemd loads the unit
  EXPECT_EQ(warnings_for("StandardInput", "bogus"),
            (Lines{"Failed to parse input specifier, ignoring: bogus"}));
  EXPECT_EQ(warnings_for("Slice", "x.service"),
            (Lines{"Failed to assign slice x.service to unit foo.service, ignoring: Invalid "
                   "argument"}));
}

}  // namespace
}  // namespace hardnut
