#include "directives/namespaces.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

struct Result {
  uint64_t allowed = kNamespaceFlagsInitial;
  std::vector<std::string> warnings;
};

Result Apply(std::initializer_list<std::string_view> lines) {
  Result r;
  for (std::string_view l : lines) apply_restrict_namespaces_assignment(l, r.allowed, r.warnings);
  return r;
}

constexpr uint64_t kSixWithoutUts = kNamespaceFlagsAll & ~uint64_t{kNsUts};

TEST(Namespaces, FromName) {
  EXPECT_EQ(namespace_flag_from_name("uts"), kNsUts);
  EXPECT_EQ(namespace_flag_from_name("mnt"), kNsMnt);
  EXPECT_EQ(namespace_flag_from_name("time"), kNsTime);
  EXPECT_EQ(namespace_flag_from_name("UTS"), std::nullopt);
  EXPECT_EQ(namespace_flag_from_name("ns"), std::nullopt);
  EXPECT_EQ(kNamespaceFlagsAll | kNsTime, kAllNamespaceTypes);
}

TEST(Namespaces, Booleans) {
  EXPECT_EQ(Apply({"yes"}).allowed, 0u);
  EXPECT_EQ(Apply({"YES"}).allowed, 0u);
  EXPECT_EQ(Apply({"on"}).allowed, 0u);
  EXPECT_EQ(Apply({"1"}).allowed, 0u);
  // Oracle: "no" then "~uts" → "cgroup ipc net mnt pid user" (no time).
  EXPECT_EQ(Apply({"no"}).allowed, kNamespaceFlagsAll);
  EXPECT_EQ(Apply({"no", "~uts"}).allowed, kSixWithoutUts);
  EXPECT_EQ(Apply({"no", "~uts", "time"}).allowed, kSixWithoutUts | kNsTime);
  EXPECT_EQ(Apply({"yes", ""}).allowed, kNamespaceFlagsInitial);
  EXPECT_EQ(Apply({"yes", "time"}).allowed, uint64_t{kNsTime});
  EXPECT_EQ(Apply({"yes", "~uts"}).allowed, 0u);
}

TEST(Namespaces, Lists) {
  EXPECT_EQ(Apply({"uts"}).allowed, uint64_t{kNsUts});
  // Oracle: "~uts" → "cgroup ipc net mnt pid user"; "~time" → the seven.
  EXPECT_EQ(Apply({"~uts"}).allowed, kSixWithoutUts);
  EXPECT_EQ(Apply({"~time"}).allowed, kNamespaceFlagsAll);
  EXPECT_EQ(Apply({"~ uts"}).allowed, kSixWithoutUts);
  EXPECT_EQ(Apply({"~"}).allowed, kNamespaceFlagsAll);
  EXPECT_EQ(Apply({"~", "~uts"}).allowed, kSixWithoutUts);
  EXPECT_EQ(Apply({"uts", "~"}).allowed, uint64_t{kNsUts});
  EXPECT_EQ(Apply({"uts", "ipc"}).allowed, uint64_t{kNsUts | kNsIpc});
  EXPECT_EQ(Apply({"uts\tipc"}).allowed, uint64_t{kNsUts | kNsIpc});
  EXPECT_EQ(Apply({"uts uts"}).allowed, uint64_t{kNsUts});
  EXPECT_EQ(Apply({"uts", "~uts ipc"}).allowed, 0u);
  EXPECT_EQ(Apply({"cgroup ipc net mnt pid user uts time"}).allowed, kAllNamespaceTypes);
  EXPECT_EQ(Apply({"uts ipc pid user cgroup"}).allowed,
            uint64_t{kNsUts | kNsIpc | kNsPid | kNsUser | kNsCgroup});
  // Backslash escapes work, quotes do not (oracle: "ut\s" → uts).
  EXPECT_EQ(Apply({"ut\\s"}).allowed, uint64_t{kNsUts});
}

TEST(Namespaces, InvalidLinesAreIgnoredWhole) {
  auto warned = [](std::string_view value, std::string_view shown) {
    Result r = Apply({"uts", value});
    EXPECT_EQ(r.allowed, uint64_t{kNsUts}) << value;
    EXPECT_EQ(r.warnings,
              std::vector<std::string>{"Failed to parse namespace type string, ignoring: " +
                                       std::string(shown)})
        << value;
  };
  warned("bogus", "bogus");
  warned("uts foo", "uts foo");
  warned("~uts foo", "uts foo");
  warned("UTS", "UTS");
  warned("\"uts\"", "\"uts\"");
  warned("\"uts", "\"uts");
  warned("mnt,ipc", "mnt,ipc");
  warned("yes uts", "yes uts");
  // The boolean is only recognised before "~" is stripped.
  warned("~yes", "yes");
  warned("~no", "no");
  warned("uts\\\\", "uts\\\\");

  Result r = Apply({"uts foo"});
  EXPECT_EQ(r.allowed, kNamespaceFlagsInitial);
}

}  // namespace
}  // namespace hardnut
