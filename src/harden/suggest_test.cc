#include "harden/suggest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "testing/scratch_units.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

class SuggestTest : public testing_support::ScratchUnitsTest {
 protected:
  SuggestTest() : ScratchUnitsTest("suggest") {}
  SuggestResult run(const std::string& unit, const std::vector<std::string>& set = {}) {
    TargetOptions o;
    o.unit = unit;
    o.set_lines = set;
    std::string err;
    target_ = HardeningTarget::open(o, env_, err);
    EXPECT_TRUE(target_) << err;
    return target_ ? suggest(*target_, builtin_knowledge()) : SuggestResult{};
  }
  const Suggestion* find(const SuggestResult& r, const std::string& id) {
    for (const auto& s : r.suggestions)
      if (s.entry->id == id) return &s;
    return nullptr;
  }
  std::unique_ptr<HardeningTarget> target_;
};

// Every suggestion's "exposure after" is what `hardnut security` prints for
// the unit with that change installed as a drop-in.
TEST_F(SuggestTest, EveryExposureAfterEqualsARescoreWithTheDropin) {
  write("web.service",
        "[Service]\nExecStart=/usr/sbin/nginx -g 'daemon off;'\nUser=www-data\n"
        "ProtectSystem=yes\n");
  SuggestResult r = run("web.service");
  ASSERT_TRUE(r.base.ok);
  ASSERT_GT(r.suggestions.size(), 20u);
  for (const auto& s : r.suggestions) {
    std::string content = "[Service]\n";
    for (const auto& l : s.entry->lines) content += l + "\n";
    write("web.service.d/50-test.conf", content);
    EXPECT_EQ(security_exposure("web.service"), static_cast<int>(s.exposure_after)) << s.entry->id;
    EXPECT_LT(s.exact_after, s.exact_before) << s.entry->id;
  }
}

TEST_F(SuggestTest, SafeFirstThenByRiskAndGain) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  SuggestResult r = run("hello.service");
  ASSERT_FALSE(r.suggestions.empty());
  for (size_t i = 1; i < r.suggestions.size(); ++i) {
    const auto &a = r.suggestions[i - 1], &b = r.suggestions[i];
    if (a.safe_for_unit() != b.safe_for_unit()) {
      EXPECT_TRUE(a.safe_for_unit());
      continue;
    }
    EXPECT_LE(a.risk, b.risk);
    if (a.risk == b.risk) {
      EXPECT_GE(a.exact_gain() + 1e-9, b.exact_gain());
    }
  }
  const Suggestion* net = find(r, "private-network");
  ASSERT_TRUE(net);
  EXPECT_FALSE(net->safe_for_unit());
  const Suggestion* mdwe = find(r, "memory-deny-write-execute");
  ASSERT_TRUE(mdwe);
  EXPECT_TRUE(mdwe->safe_for_unit()) << "CPython has no JIT";
}

TEST_F(SuggestTest, UnitSignalsDecideSafety) {
  write("app.service", "[Service]\nExecStart=/usr/bin/java -jar /opt/app.jar\nUser=app\n");
  SuggestResult r = run("app.service");
  const Suggestion* mdwe = find(r, "memory-deny-write-execute");
  ASSERT_TRUE(mdwe);
  EXPECT_FALSE(mdwe->safe_for_unit());
  ASSERT_FALSE(mdwe->unsafe_reasons.empty());
  EXPECT_NE(mdwe->unsafe_reasons[0].find("java"), std::string::npos);

  write("bus.service",
        "[Service]\nType=dbus\nBusName=org.example.Bus\nExecStart=/usr/libexec/busd\n");
  r = run("bus.service");
  const Suggestion* users = find(r, "private-users");
  ASSERT_TRUE(users);
  EXPECT_FALSE(users->safe_for_unit());

  write("sock.service", "[Service]\nExecStart=/usr/libexec/sockd\n");
  write("sock.socket", "[Socket]\nListenStream=0.0.0.0:7000\n");
  r = run("sock.service");
  const Suggestion* net = find(r, "private-network");
  ASSERT_TRUE(net);
  EXPECT_FALSE(net->safe_for_unit());
}

TEST_F(SuggestTest, SetLinesAreInEffect) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  SuggestResult plain = run("hello.service");
  SuggestResult with = run("hello.service", {"NoNewPrivileges=yes"});
  EXPECT_LT(with.base.assessment.exposure, plain.base.assessment.exposure);
  EXPECT_TRUE(find(plain, "no-new-privileges"));
  EXPECT_FALSE(find(with, "no-new-privileges"));
}

TEST_F(SuggestTest, CommandJsonAndErrors) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  SuggestOptions o;
  o.target.unit = "hello.service";
  o.format = "json";
  std::ostringstream out, err;
  ASSERT_EQ(run_suggest(o, env_, out, err), 0) << err.str();
  auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["unit"], "hello.service");
  EXPECT_DOUBLE_EQ(doc["exposure"].get<double>(), 9.6);
  ASSERT_GT(doc["suggestions"].size(), 10u);
  EXPECT_TRUE(doc["signals"].contains("network_server"));
  o.format = "xml";
  EXPECT_EQ(run_suggest(o, env_, out, err), 1);
  o.format = "text";
  o.target.unit = "missing.service";
  std::ostringstream err2;
  EXPECT_EQ(run_suggest(o, env_, out, err2), 1);
  EXPECT_NE(err2.str().find("not found"), std::string::npos);
}

}  // namespace
}  // namespace hardnut
