#include "report/baseline.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

TEST(BaselineTest, RoundTrips) {
  Exposures e = {{"a.service", 96}, {"b.service", 0}, {"c.service", 100}};
  Exposures back;
  std::string error;
  ASSERT_TRUE(parse_baseline(format_baseline(e), back, error)) << error;
  EXPECT_EQ(back, e);
}

TEST(BaselineTest, OnlyWorseOrNewAboveThresholdFail) {
  Exposures baseline = {{"same.service", 96}, {"better.service", 90}, {"worse.service", 50}};
  Exposures now = {{"same.service", 96},
                   {"better.service", 80},
                   {"worse.service", 51},
                   {"new-ok.service", 40},
                   {"new-bad.service", 70}};
  auto r = compare_with_baseline(baseline, now, 50);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].unit, "new-bad.service");
  EXPECT_TRUE(r[0].is_new);
  EXPECT_EQ(r[1].unit, "worse.service");
  EXPECT_EQ(r[1].before, 50u);
  EXPECT_EQ(r[1].after, 51u);
}

TEST(BaselineTest, RejectsForeignDocuments) {
  Exposures e;
  std::string error;
  EXPECT_FALSE(parse_baseline("{\"units\": {}}", e, error));
  EXPECT_FALSE(parse_baseline("not json", e, error));
  EXPECT_FALSE(
      parse_baseline(R"({"format":"hardnut-baseline","units":{"a.service":"x"}})", e, error));
  EXPECT_FALSE(
      parse_baseline(R"({"format":"hardnut-baseline","units":{"a.service":11}})", e, error));
}

}  // namespace
}  // namespace hardnut
