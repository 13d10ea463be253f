#include "directives/directive_syntax.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

// The warnings systemd 252 prints for one [Service] line (expected texts
// taken from `systemd-analyze security --offline=yes`).
std::vector<std::string> warnings_for(const std::string& key, const std::string& value,
                                      std::string_view section = "Service", bool* fatal = nullptr,
                                      unsigned version = 252) {
  SpecifierContext spec{*parse_unit_name("foo.service"), "/etc/systemd/system/foo.service"};
  std::vector<std::string> warnings, plain;
  bool refused = check_value_syntax(systemd_version(version), section, key, "OTHER", value, spec,
                                    warnings, plain);
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

// The same line under another version (texts from that version's
// systemd-analyze, through ../shared/tools/oracle).
std::vector<std::string> warnings_in(unsigned version, const std::string& key,
                                     const std::string& value,
                                     std::string_view section = "Service") {
  return warnings_for(key, value, section, nullptr, version);
}

TEST(DirectiveSyntaxTest, Signals) {
  for (const char* ok :
       {"SIGTERM", "TERM", "IO", "SIGIO", "PWR", "+5", "05", "RTMIN+0", "RTMAX-30"})
    EXPECT_TRUE(warnings_for("KillSignal", ok).empty()) << ok;
  for (const char* bad : {"POLL", "SIGPOLL", "IOT", "SIG9", "0", "65", "RTMIN+31"})
    EXPECT_EQ(warnings_for("KillSignal", bad),
              (Lines{std::string("Failed to parse signal name, ignoring: ") + bad}));
}

TEST(DirectiveSyntaxTest, EmergencyActionsByVersion) {
  for (const char* action : {"halt", "halt-force", "halt-immediate", "kexec", "kexec-force",
                             "soft-reboot", "soft-reboot-force"}) {
    EXPECT_FALSE(is_emergency_action(systemd_version(252), action)) << action;
    EXPECT_TRUE(is_emergency_action(systemd_version(257), action)) << action;
    EXPECT_TRUE(is_emergency_action(systemd_version(262), action)) << action;
    EXPECT_EQ(warnings_for("StartLimitAction", action, "Unit"),
              (Lines{std::string("Failed to parse StartLimitAction=, ignoring: ") + action}));
    EXPECT_TRUE(warnings_in(257, "StartLimitAction", action, "Unit").empty());
  }
  for (unsigned v : {252u, 257u, 262u})
    for (const char* action : {"kexec-immediate", "soft-reboot-immediate", "REBOOT"})
      EXPECT_FALSE(is_emergency_action(systemd_version(v), action)) << v << action;
}

TEST(DirectiveSyntaxTest, JobModesAndSchedulingPoliciesByVersion) {
  EXPECT_TRUE(warnings_for("OnFailureJobMode", "triggering", "Unit").empty());
  EXPECT_EQ(warnings_for("OnFailureJobMode", "restart-dependencies", "Unit"),
            (Lines{"Failed to parse job mode, ignoring: restart-dependencies"}));
  EXPECT_TRUE(warnings_in(257, "OnFailureJobMode", "restart-dependencies", "Unit").empty());
  EXPECT_EQ(warnings_in(257, "OnSuccessJobMode", "lenient", "Unit"),
            (Lines{"Failed to parse job mode, ignoring: lenient"}));
  EXPECT_TRUE(warnings_in(262, "OnSuccessJobMode", "lenient", "Unit").empty());

  EXPECT_EQ(warnings_in(257, "CPUSchedulingPolicy", "ext"),
            (Lines{"Failed to parse CPU scheduling policy, ignoring: ext"}));
  EXPECT_TRUE(warnings_in(262, "CPUSchedulingPolicy", "ext").empty());
  // Numbers: any int up to 257; 262 knows which policies exist.
  EXPECT_TRUE(warnings_in(257, "CPUSchedulingPolicy", "4").empty());
  EXPECT_EQ(warnings_in(262, "CPUSchedulingPolicy", "4"),
            (Lines{"Unsupported CPU scheduling policy: 4"}));
  EXPECT_TRUE(warnings_in(262, "CPUSchedulingPolicy", "+7").empty());
  EXPECT_EQ(warnings_in(262, "CPUSchedulingPolicy", "-1"),
            (Lines{"Failed to parse CPU scheduling policy, ignoring: -1"}));

  EXPECT_TRUE(warnings_in(257, "IOSchedulingClass", "8").empty());
  EXPECT_EQ(warnings_in(262, "IOSchedulingClass", "8"),
            (Lines{"Failed to parse IO scheduling class, ignoring: 8"}));
}

TEST(DirectiveSyntaxTest, NewerVersionsSayWhyANumberIsRejected) {
  EXPECT_EQ(warnings_in(257, "KillSignal", "65"),
            (Lines{"Failed to parse KillSignal=65, ignoring: Numerical result out of range"}));
  EXPECT_EQ(warnings_in(262, "RestartKillSignal", "RTMIN+31"),
            (Lines{"Failed to parse RestartKillSignal=RTMIN+31, ignoring: Numerical result out "
                   "of range"}));
  EXPECT_EQ(warnings_in(257, "KillSignal", "SIG9"),
            (Lines{"Failed to parse KillSignal=SIG9, ignoring: Invalid argument"}));
  EXPECT_EQ(warnings_in(257, "KillSignal", "2147483648"),
            (Lines{"Failed to parse KillSignal=2147483648, ignoring: Invalid argument"}));
  EXPECT_EQ(warnings_in(257, "TimeoutStopSec", "soon"),
            (Lines{"Failed to parse TimeoutStopSec=soon, ignoring: Invalid argument"}));
  EXPECT_EQ(warnings_in(257, "TimeoutStopSec", "-x"),
            (Lines{"Failed to parse TimeoutStopSec=-x, ignoring: Numerical result out of range"}));
  EXPECT_EQ(warnings_in(262, "TimeoutSec", "soon", "Socket"),
            (Lines{"Failed to parse TimeoutSec=soon, ignoring: Invalid argument"}));
  EXPECT_EQ(warnings_in(257, "CPUWeight", "\"100\""),
            (Lines{"Failed to parse CPUWeight=\"100\", ignoring: Invalid argument"}));
  EXPECT_EQ(warnings_in(257, "IOWeight", "-1"),
            (Lines{"Failed to parse IOWeight=-1, ignoring: Numerical result out of range"}));
  EXPECT_EQ(warnings_in(257, "LimitNOFILE", "1:-1"),
            (Lines{"Failed to parse LimitNOFILE=1:-1, ignoring: Numerical result out of range"}));
  EXPECT_EQ(warnings_in(257, "LimitAS", "-x"),
            (Lines{"Failed to parse LimitAS=-x, ignoring: Invalid argument"}));
  EXPECT_EQ(warnings_in(257, "LimitCPU", "-x"),
            (Lines{"Failed to parse LimitCPU=-x, ignoring: Numerical result out of range"}));
  EXPECT_EQ(warnings_in(257, "TimerSlackNSec", "9223372036854775808"),
            (Lines{"Failed to parse TimerSlackNSec=9223372036854775808, ignoring: Numerical "
                   "result out of range"}));
  EXPECT_TRUE(warnings_in(257, "TimerSlackNSec", "1s 5ns").empty());
  // 252 words them without the errno.
  EXPECT_EQ(warnings_for("KillSignal", "65"), (Lines{"Failed to parse signal name, ignoring: 65"}));
  EXPECT_EQ(warnings_for("TimeoutStopSec", "18446744073709"),
            (Lines{"Failed to parse time value, ignoring: 18446744073709"}));
}

// Specifiers are expanded before the "-" of an optional source is dropped,
// so systemd quotes the source with it.
TEST(DirectiveSyntaxTest, BindPathsQuoteTheWholeSource) {
  for (unsigned version : {252u, 262u}) {
    EXPECT_EQ(warnings_in(version, "BindPaths", "-/a%Z:/b"),
              (Lines{"Failed to resolve unit specifiers in \"-/a%Z\", ignoring: Invalid slot"}));
    EXPECT_EQ(warnings_in(version, "BindPaths", "/a:/b%Z"),
              (Lines{"Failed to resolve specifiers in \"/b%Z\", ignoring: Invalid slot"}));
  }
}

TEST(DirectiveSyntaxTest, BindPathsWords262) {
  EXPECT_TRUE(warnings_in(262, "BindPaths", "/a  /b").empty());
  EXPECT_TRUE(warnings_in(262, "BindPaths", "/a:/b:  /c").empty());
  EXPECT_EQ(warnings_in(257, "BindPaths", "/a:/b:  /c"),
            (Lines{"Invalid option string, ignoring setting: /c"}));
  EXPECT_EQ(warnings_in(262, "BindPaths", "/x /a:/b:rbind:x rel"),
            (Lines{"Too many parameters in BindPaths=, ignoring: /a:/b:rbind:x",
                   "BindPaths= path is not absolute, ignoring: rel"}));
  EXPECT_EQ(warnings_in(262, "BindPaths", "'/a:b':/c"),
            (Lines{"BindPaths= path is not absolute, ignoring: b"}));
  EXPECT_EQ(warnings_in(262, "BindPaths", "/a:rel:x"),
            (Lines{"BindPaths= path is not absolute, ignoring: rel"}));
  EXPECT_EQ(warnings_in(257, "BindPaths", "/a:rel:x"),
            (Lines{"BindPaths= path is not absolute, ignoring: rel",
                   "BindPaths= path is not absolute, ignoring: x"}));
}

TEST(DirectiveSyntaxTest, SettingsNewIn257) {
  EXPECT_EQ(warnings_in(257, "StartupMemoryMax", "0"),
            (Lines{"Memory limit '0' out of range, ignoring."}));
  EXPECT_TRUE(warnings_in(257, "StartupMemoryZSwapMax", "0").empty());
  EXPECT_EQ(warnings_in(262, "RestartMode", ""),
            (Lines{"Failed to parse RestartMode=, ignoring: Invalid argument"}));
  EXPECT_TRUE(warnings_in(257, "RestartMode", "debug").empty());
  EXPECT_TRUE(warnings_in(257, "MemoryPressureWatch", "skip").empty());
  EXPECT_EQ(warnings_in(257, "MemoryPressureWatch", "bogus"),
            (Lines{"Failed to parse MemoryPressureWatch=bogus, ignoring: Invalid argument"}));
  EXPECT_EQ(warnings_in(257, "ReloadSignal", ""),
            (Lines{"Failed to parse ReloadSignal=, ignoring: Invalid argument"}));
}

}  // namespace
}  // namespace hardnut
