#include "harden/diff_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace hardnut {
namespace {

namespace fs = std::filesystem;

class DiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hardnut-diff-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "a");
    fs::create_directories(dir_ / "b");
    env_.cwd = dir_.string();
    env_.vars = {{"LANG", "C.UTF-8"}, {"SYSTEMD_UNIT_PATH", ""}};
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name) << content;
  }
  int run(const std::string& a, const std::string& b, std::string& out, std::string& err,
          const std::string& format = "text") {
    DiffOptions o;
    o.a = a;
    o.b = b;
    o.format = format;
    std::ostringstream o_out, o_err;
    int rc = run_diff(o, env_, o_out, o_err);
    out = o_out.str();
    err = o_err.str();
    return rc;
  }
  fs::path dir_;
  Environment env_;
};

TEST_F(DiffTest, TwoFilesShowChangedChecksAndExposures) {
  write("a/x.service", "[Service]\nExecStart=/bin/true\n");
  write("b/x.service", "[Service]\nExecStart=/bin/true\nPrivateTmp=yes\nNoNewPrivileges=yes\n");
  std::string out, err;
  ASSERT_EQ(run("a/x.service", "b/x.service", out, err), 0) << err;
  EXPECT_NE(out.find("PrivateTmp="), std::string::npos) << out;
  EXPECT_NE(out.find("NoNewPrivileges="), std::string::npos) << out;
  EXPECT_EQ(out.find("ProtectClock="), std::string::npos) << "unchanged checks are not listed";
  EXPECT_NE(out.find("Exposure: 9.6 UNSAFE -> 9.2 UNSAFE (-0.4)"), std::string::npos) << out;
}

TEST_F(DiffTest, UnitAndDropin) {
  write("a/x.service", "[Service]\nExecStart=/bin/true\n");
  write("b/hardening.conf", "[Service]\nProtectSystem=strict\n");
  std::string out, err;
  ASSERT_EQ(run("a/x.service", "b/hardening.conf", out, err, "json"), 0) << err;
  auto doc = nlohmann::json::parse(out);
  ASSERT_EQ(doc["changed"].size(), 1u) << out;
  EXPECT_EQ(doc["changed"][0]["name"], "ProtectSystem=");
  EXPECT_EQ(doc["changed"][0]["before"]["set"], false);
  EXPECT_EQ(doc["changed"][0]["after"]["set"], true);
  EXPECT_LT(doc["b"]["exposure"].get<double>(), doc["a"]["exposure"].get<double>());
}

TEST_F(DiffTest, Errors) {
  write("a/x.service", "[Service]\nExecStart=/bin/true\n");
  std::string out, err;
  EXPECT_EQ(run("a/x.service", "b/missing.conf", out, err), 1);
  EXPECT_NE(err.find("cannot read"), std::string::npos) << err;
  EXPECT_EQ(run("a/x.service", "b/missing.service", out, err), 1);
  EXPECT_NE(err.find("not found"), std::string::npos) << err;
}

}  // namespace
}  // namespace hardnut
