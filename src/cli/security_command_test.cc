#include "cli/security_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testing/scratch_units.h"
#include "testing/test_files.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

class SecurityCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::make_test_dir("test");
    env_.cwd = dir_.string();
    env_.vars = {{"LANG", "C.UTF-8"}, {"TERM", "xterm"}, {"SYSTEMD_UNIT_PATH", ""}};
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& content) {
    testing_support::write_test_file(dir_, name, content);
  }

  int run(std::vector<std::string> units, std::string& out, std::string& err,
          JsonMode json = JsonMode::kOff) {
    SecurityOptions o;
    o.offline = true;
    o.units = std::move(units);
    o.json = json;
    return run_security(o, env_, out, err);
  }

  // The "X.Y" of the summary line.
  std::string overall(const std::string& unit) {
    std::string out, err;
    EXPECT_EQ(run({unit}, out, err), 0) << err;
    std::string printed = testing_support::printed_exposure(out);
    EXPECT_NE(printed, "") << out;
    return printed;
  }

  fs::path dir_;
  Environment env_;
};

// The walkthrough of the magazine article, offline, as systemd 252 scores it.
TEST_F(SecurityCommandTest, MagazineWalkthroughOffline) {
  std::string unit =
      "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\nExecStop=/bin/kill -9 $MAINPID\n";
  const std::vector<std::pair<std::string, std::string>> steps = {
      {"", "9.6"},
      {"NoNewPrivileges=yes\n", "9.4"},
      {"PrivateTmp=yes\n", "9.2"},
      {"RestrictNamespaces=uts ipc pid user cgroup\n", "9.0"},
      {"ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectControlGroups=yes\n", "8.3"},
      {"ProtectSystem=yes\nPrivateUsers=yes\n", "8.1"},
  };
  for (const auto& [added, expected] : steps) {
    unit += added;
    write("helloworld.service", unit);
    EXPECT_EQ(overall("helloworld.service"), expected) << "after adding: " << added;
  }
}

TEST_F(SecurityCommandTest, MissingUnitIsReportedAndOthersStillRun) {
  write("a.service", "[Service]\nExecStart=/bin/true\n");
  std::string out, err;
  EXPECT_EQ(run({"missing.service", "a.service"}, out, err), 1);
  EXPECT_NE(err.find("Unit missing.service not found."), std::string::npos);
  EXPECT_NE(out.find("Overall exposure level for a.service: 9.6 UNSAFE"), std::string::npos);
}

TEST_F(SecurityCommandTest, EmptyFileIsMasked) {
  write("e.service", "");
  std::string out, err;
  EXPECT_EQ(run({"e.service"}, out, err), 1);
  EXPECT_EQ(err, "Unit e.service is masked.\n");
  EXPECT_EQ(out, "");
}

TEST_F(SecurityCommandTest, ThresholdDecidesExitStatus) {
  write("a.service", "[Service]\nExecStart=/bin/true\n");
  SecurityOptions o;
  o.offline = true;
  o.units = {"a.service"};
  std::string out, err;
  o.threshold = 96;
  EXPECT_EQ(run_security(o, env_, out, err), 0);
  o.threshold = 95;
  EXPECT_EQ(run_security(o, env_, out, err), 1);
}

TEST_F(SecurityCommandTest, InvalidUnitFileNameIsRefused) {
  std::string out, err;
  EXPECT_EQ(run({"notaunit"}, out, err), 1);
  EXPECT_EQ(err, "Failed to prepare filename notaunit: Invalid argument\n");
}

TEST_F(SecurityCommandTest, TemplateIsAnalysedAsInstanceI) {
  write("foo@.service", "[Service]\nExecStart=/bin/true\nUser=%i\n");
  std::string out, err;
  EXPECT_EQ(run({"foo@.service"}, out, err), 0) << err;
  EXPECT_NE(out.find("Overall exposure level for foo@i.service:"), std::string::npos);
  EXPECT_NE(out.find("Service runs under a static non-root user identity"), std::string::npos);
}

TEST_F(SecurityCommandTest, JsonShortIsOneLineArray) {
  write("a.service", "[Service]\nExecStart=/bin/true\n");
  std::string out, err;
  EXPECT_EQ(run({"a.service"}, out, err, JsonMode::kShort), 0);
  EXPECT_EQ(out.substr(0, 2), "[{");
  EXPECT_EQ(out.substr(out.size() - 3), "}]\n");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST_F(SecurityCommandTest, AsciiGlyphsWithoutEmojiTerminal) {
  write("a.service", "[Service]\nExecStart=/bin/true\n");
  env_.vars["TERM"] = "dumb";
  std::string out, err;
  run({"a.service"}, out, err);
  EXPECT_NE(out.find("9.6 UNSAFE :-{"), std::string::npos) << out;
}

TEST_F(SecurityCommandTest, BaselineFailsOnlyOnRegressions) {
  write("a.service", "[Service]\nExecStart=/bin/true\nUser=foo\n");
  SecurityOptions o;
  o.offline = true;
  o.units = {"a.service"};
  o.threshold = 10;  // a.service is far above it
  o.baseline = (dir_ / "baseline.json").string();
  std::string out, err;
  EXPECT_EQ(run_security(o, env_, out, err), 0) << err;  // records
  EXPECT_NE(err.find("recorded a baseline of 1 units"), std::string::npos);
  EXPECT_EQ(run_security(o, env_, out, err), 0) << err;  // unchanged: passes despite the threshold
  write("a.service", "[Service]\nExecStart=/bin/true\n");  // root now: worse
  EXPECT_EQ(run_security(o, env_, out, err), 1);
  EXPECT_NE(err.find("a.service got worse than the baseline: 9.2 -> 9.6"), std::string::npos)
      << err;
}

TEST_F(SecurityCommandTest, ScanDocumentIsOneJsonDocument) {
  write("a.service", "[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n");
  write("b.service", "");
  SecurityOptions o;
  o.offline = true;
  o.units = {"a.service", "b.service"};
  o.format = "json";
  std::string out, err;
  EXPECT_EQ(run_security(o, env_, out, err), 1);  // b is masked
  EXPECT_EQ(out.substr(0, 25), "{\"format\":\"hardnut-scan\",");
  EXPECT_NE(out.find("\"unit\":\"a.service\""), std::string::npos);
  EXPECT_NE(out.find("\"errors\":[{\"unit\":\"b.service\""), std::string::npos);
  EXPECT_NE(out.find("\"line\":3"), std::string::npos);  // PrivateTmp= set on line 3
}

// A folder scan judges every unit on its own: two units claiming one D-Bus
// name are both scored, whichever worker loads them.
TEST_F(SecurityCommandTest, FolderScanJudgesBusNamesPerUnit) {
  for (const char* name : {"scan/a.service", "scan/b.service", "scan/c.service"})
    write(name, "[Service]\nExecStart=/bin/true\nBusName=org.example.Same\n");
  SecurityOptions o;
  o.offline = true;
  o.overview = true;
  o.jobs = 2;
  o.units = {(dir_ / "scan").string()};
  std::string out, err;
  EXPECT_EQ(run_security(o, env_, out, err), 0) << err;
  for (const char* unit : {"a.service", "b.service", "c.service"})
    EXPECT_NE(out.find(unit), std::string::npos) << out;
  EXPECT_EQ(err.find("same bus name"), std::string::npos) << err;
}

}  // namespace
}  // namespace hardnut
