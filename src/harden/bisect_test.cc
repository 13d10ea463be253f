#include "harden/bisect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace hardnut {
namespace {

// A service that breaks whenever any change of `breaking` is in force.
struct FakeService {
  std::set<size_t> breaking;
  std::vector<std::vector<size_t>> tried;
  std::optional<TryOutcome> operator()(const std::vector<size_t>& set) {
    tried.push_back(set);
    for (size_t c : set)
      if (breaking.count(c)) return TryOutcome{false, "broken by " + std::to_string(c)};
    return TryOutcome{true, ""};
  }
};

BisectResult run(FakeService& s, size_t n, int max_tries = 100) {
  return bisect_changes(n, "all fail", max_tries, [&](const auto& set) { return s(set); });
}

std::vector<size_t> culprits(const BisectResult& r) {
  std::vector<size_t> out;
  for (const auto& c : r.culprits) out.push_back(c.change);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Bisect, FindsTheOneBreakingChangeAndKeepsTheRest) {
  FakeService s{{5}, {}};
  BisectResult r = run(s, 14);
  EXPECT_EQ(culprits(r), std::vector<size_t>{5});
  EXPECT_EQ(r.culprits[0].evidence, "broken by 5");
  EXPECT_EQ(r.kept.size(), 13u);
  EXPECT_EQ(std::count(r.kept.begin(), r.kept.end(), 5), 0);
  EXPECT_FALSE(r.exhausted);
  // Binary search, then one try of the rest: far fewer than one per change.
  EXPECT_LE(r.tries, 6);
  EXPECT_TRUE(r.kept_was_last_try);
}

TEST(Bisect, FindsSeveralBreakingChanges) {
  FakeService s{{0, 7, 13}, {}};
  BisectResult r = run(s, 14);
  EXPECT_EQ(culprits(r), (std::vector<size_t>{0, 7, 13}));
  EXPECT_EQ(r.kept.size(), 11u);
  // The kept set really passes.
  EXPECT_TRUE(s(r.kept)->passed);
}

TEST(Bisect, TheLastChangeAloneIsFoundWithoutATryOfTheRestTwice) {
  FakeService s{{3}, {}};
  BisectResult r = run(s, 4);
  EXPECT_EQ(culprits(r), std::vector<size_t>{3});
  EXPECT_EQ(r.kept, (std::vector<size_t>{0, 1, 2}));
  EXPECT_TRUE(r.kept_was_last_try);
}

TEST(Bisect, OneChangeThatFailsNeedsNoTry) {
  FakeService s{{0}, {}};
  BisectResult r = run(s, 1);
  EXPECT_EQ(culprits(r), std::vector<size_t>{0});
  EXPECT_TRUE(r.kept.empty());
  EXPECT_EQ(r.tries, 0);
}

TEST(Bisect, MaxTriesKeepsTheLargestSetKnownToPass) {
  FakeService s{{2, 9}, {}};
  BisectResult r = run(s, 16, 3);
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.tries, 3);
  EXPECT_TRUE(s(r.kept)->passed);
  for (size_t c : r.kept) EXPECT_TRUE(c != 2 && c != 9);
}

TEST(Bisect, InterruptionStopsAtOnce) {
  int calls = 0;
  BisectResult r = bisect_changes(8, "x", 100, [&](const auto&) -> std::optional<TryOutcome> {
    ++calls;
    return std::nullopt;
  });
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r.kept.empty());
}

}  // namespace
}  // namespace hardnut
