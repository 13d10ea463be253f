#include "report/suppression.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

Suppressions parse(std::vector<std::string> lines) {
  std::vector<SourceComment> comments;
  unsigned n = 0;
  for (auto& l : lines) comments.push_back({"/u.service", ++n, l});
  return parse_suppressions(comments, checks_v252());
}

TEST(Suppression, IdsAndQuotedReason) {
  auto s = parse({R"(# hardnut: ignore=PrivateNetwork,PrivateUsers reason="needs \"the\" LAN")"});
  ASSERT_TRUE(s.problems.empty()) << s.problems[0];
  ASSERT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.entries[0].check, "PrivateNetwork");
  EXPECT_EQ(s.entries[1].reason, "needs \"the\" LAN");
  EXPECT_EQ(s.entries[1].line, 1u);
  ASSERT_NE(s.find("PrivateUsers"), nullptr);
  EXPECT_EQ(s.find("PrivateTmp"), nullptr);
}

TEST(Suppression, PrefixPatternAndSemicolonAndBareReason) {
  auto s = parse({";hardnut: reason=legacy ignore=CapabilityBoundingSet_*"});
  ASSERT_TRUE(s.problems.empty());
  EXPECT_NE(s.find("CapabilityBoundingSet_CAP_SYS_ADMIN"), nullptr);
  EXPECT_EQ(s.find("PrivateNetwork"), nullptr);
  EXPECT_EQ(s.entries[0].reason, "legacy");
}

TEST(Suppression, OtherCommentsAreNotSuppressions) {
  auto s = parse({"# This unit is hardnut: friendly", "# ignore=PrivateNetwork reason=x"});
  EXPECT_TRUE(s.entries.empty());
  EXPECT_TRUE(s.problems.empty());
}

TEST(Suppression, InvalidOnesAreReportedAndSuppressNothing) {
  auto s = parse({"# hardnut: ignore=PrivateNetwork", "# hardnut: ignore=NoSuchCheck reason=x",
                  "# hardnut: ignore=PrivateNetwork reason=\"open", "# hardnut: skip=X reason=y",
                  "# hardnut: ignore= reason=y"});
  EXPECT_TRUE(s.entries.empty());
  ASSERT_EQ(s.problems.size(), 5u);
  EXPECT_EQ(s.problems[0],
            "/u.service:1: hardnut: reason=\"...\" is required, ignoring suppression.");
  EXPECT_NE(s.problems[1].find("\"NoSuchCheck\" names no check"), std::string::npos);
  EXPECT_NE(s.problems[2].find("unterminated quote"), std::string::npos);
  EXPECT_NE(s.problems[3].find("unknown key \"skip\""), std::string::npos);
  EXPECT_NE(s.problems[4].find("no checks"), std::string::npos);
}

TEST(Suppression, OneUnknownIdDoesNotDropTheOthers) {
  auto s = parse({"# hardnut: ignore=Nope,PrivateTmp reason=x"});
  EXPECT_EQ(s.problems.size(), 1u);
  EXPECT_NE(s.find("PrivateTmp"), nullptr);
}

}  // namespace
}  // namespace hardnut
