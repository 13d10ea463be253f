#include "harden/what_if.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/scratch_units.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

class WhatIfTest : public testing_support::ScratchUnitsTest {
 protected:
  WhatIfTest() : ScratchUnitsTest("what-if") {}
  std::unique_ptr<HardeningTarget> open(const std::string& unit, bool without_own = false) {
    TargetOptions o;
    o.unit = unit;
    o.without_own_dropin = without_own;
    std::string err;
    auto t = HardeningTarget::open(o, env_, err);
    EXPECT_TRUE(t) << err;
    return t;
  }
};

const char* kHello =
    "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\nExecStop=/bin/kill -9 $MAINPID\n";

// --set on `security` scores as a drop-in with those lines would.
TEST_F(WhatIfTest, SecuritySetEqualsARealDropIn) {
  write("hello.service", kHello);
  std::vector<std::string> lines = {"PrivateTmp=yes", "NoNewPrivileges=yes",
                                    "CapabilityBoundingSet=~CAP_SYS_ADMIN"};
  int with_set = security_exposure("hello.service", lines);
  write("hello.service.d/x.conf",
        "[Service]\nPrivateTmp=yes\nNoNewPrivileges=yes\nCapabilityBoundingSet=~CAP_SYS_ADMIN\n");
  int with_file = security_exposure("hello.service");
  EXPECT_EQ(with_set, with_file);
  EXPECT_LT(with_file, 96);
}

TEST_F(WhatIfTest, ScoreMatchesSecurityCommand) {
  write("hello.service", kHello);
  auto t = open("hello.service");
  ASSERT_TRUE(t);
  ScoreResult r = t->score({"ProtectSystem=strict"});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(static_cast<int>(r.assessment.exposure),
            security_exposure("hello.service", {"ProtectSystem=strict"}));
  EXPECT_EQ(t->dropin_dir(), "/etc/systemd/system/hello.service.d");
}

TEST_F(WhatIfTest, ScoreWithDropinEqualsInstalledFile) {
  write("hello.service", kHello);
  auto t = open("hello.service");
  ASSERT_TRUE(t);
  std::string content = "[Service]\nPrivateDevices=yes\nProtectHome=yes\n";
  ScoreResult r = t->score_with_dropin("50-hardnut.conf", content);
  ASSERT_TRUE(r.ok);
  write("hello.service.d/50-hardnut.conf", content);
  EXPECT_EQ(static_cast<int>(r.assessment.exposure), security_exposure("hello.service"));
}

// harden replaces its own file: plans start from the unit without it, and
// a drop-in sorting later still applies after the new file.
TEST_F(WhatIfTest, OwnDropinIsShadowedButOthersStay) {
  write("hello.service", kHello);
  write("hello.service.d/50-hardnut.conf", "[Service]\nPrivateTmp=yes\n");
  write("hello.service.d/90-admin.conf", "[Service]\nNoNewPrivileges=yes\n");
  int installed = security_exposure("hello.service");
  auto plain = open("hello.service");
  auto shadowed = open("hello.service", true);
  ASSERT_TRUE(plain && shadowed);
  EXPECT_EQ(static_cast<int>(plain->score().assessment.exposure), installed);
  fs::remove(dir_ / "hello.service.d/50-hardnut.conf");
  EXPECT_EQ(static_cast<int>(shadowed->score().assessment.exposure),
            security_exposure("hello.service"));
  EXPECT_NE(installed, security_exposure("hello.service"));
}

TEST_F(WhatIfTest, TemplateDropinGoesToTheTemplate) {
  write("foo@.service", "[Service]\nExecStart=/bin/true\n");
  auto t = open("foo@.service");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->unit_id(), "foo@i.service");
  EXPECT_EQ(t->dropin_unit_name(), "foo@.service");
}

TEST_F(WhatIfTest, BadUnitsAreErrors) {
  TargetOptions o;
  std::string err;
  o.unit = "dir/notaunit";  // a path, so not a name to mangle
  EXPECT_FALSE(HardeningTarget::open(o, env_, err));
  EXPECT_NE(err.find("Invalid argument"), std::string::npos) << err;
  o.unit = "notaunit";  // a name as typed: notaunit.service
  err.clear();
  EXPECT_FALSE(HardeningTarget::open(o, env_, err));
  EXPECT_NE(err.find("Unit notaunit.service not found"), std::string::npos) << err;
  o.unit = "missing.service";
  EXPECT_FALSE(HardeningTarget::open(o, env_, err));
  EXPECT_NE(err.find("not found"), std::string::npos) << err;
  write("bad.service", "[Service]\nType=simple\n");
  o.unit = "bad.service";
  EXPECT_FALSE(HardeningTarget::open(o, env_, err));
}

}  // namespace
}  // namespace hardnut
