#include "cli/profile_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "observe/profile.h"
#include "testing/test_files.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

class ProfileCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing_support::make_test_dir("profile-command"); }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_profile(const std::string& name, const Profile& p) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << profile_to_json(p);
    return path;
  }
  // A stand-in for systemctl that says what `show` would of one unit.
  std::string fake_systemctl(const std::string& show_output) {
    std::string path = (dir_ / "systemctl").string();
    std::ofstream(path) << "#!/bin/sh\ncat <<'EOF'\n" << show_output << "EOF\n";
    fs::permissions(path, fs::perms::owner_all);
    return path;
  }
  int run(ProfileOptions o, std::string& out, std::string& err) {
    std::ostringstream o_out, o_err;
    int status = run_profile(o, o_out, o_err);
    out = o_out.str();
    err = o_err.str();
    return status;
  }
  fs::path dir_;
};

Profile one_run(const char* call, bool startup) {
  Profile p;
  p.unit = "demo.service";
  p.architecture = "x86_64";
  p.seconds = 1.5;
  p.covers_startup = startup;
  p.capabilities_observed = true;
  p.service.syscalls[call] = 2;
  return p;
}

TEST_F(ProfileCommandTest, MergeWritesOneProfileOfBothRuns) {
  ProfileOptions o;
  o.merge = true;
  o.args = {write_profile("a.json", one_run("read", false)),
            write_profile("b.json", one_run("write", true))};
  o.output = (dir_ / "merged.json").string();
  std::string out, err;
  ASSERT_EQ(run(o, out, err), 0) << err;
  std::ifstream in(o.output);
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  auto merged = profile_from_json(text.str(), error);
  ASSERT_TRUE(merged) << error;
  EXPECT_EQ(merged->runs, 2u);
  EXPECT_TRUE(merged->covers_startup);
  EXPECT_EQ(merged->service.syscalls.size(), 2u);
  EXPECT_NE(err.find("observed demo.service for 3.0 s in 2 runs"), std::string::npos) << err;
}

TEST_F(ProfileCommandTest, MergeRefusesBadInputAndWritesNothing) {
  ProfileOptions o;
  o.merge = true;
  o.output = (dir_ / "merged.json").string();
  std::string out, err;
  o.args = {write_profile("a.json", one_run("read", true))};
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("two profiles or more"), std::string::npos) << err;
  Profile other = one_run("read", true);
  other.unit = "other.service";
  o.args = {write_profile("a.json", one_run("read", true)), write_profile("o.json", other)};
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("different units"), std::string::npos) << err;
  std::ofstream(dir_ / "bad.json") << "{\"hardnut_profile\": 1";
  o.args = {write_profile("a.json", one_run("read", true)), (dir_ / "bad.json").string()};
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("bad.json: not a valid profile"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(o.output));
}

TEST_F(ProfileCommandTest, UsageErrors) {
  ProfileOptions o;
  std::string out, err;
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("profile needs a unit"), std::string::npos) << err;
  o.args = {"a.service", "b.service"};
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("takes one unit"), std::string::npos) << err;
  o.args = {"start", "a.service"};
  o.workload = "true";
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("--workload and --duration are for"), std::string::npos) << err;
}

TEST_F(ProfileCommandTest, UnknownUnitsAreRefusedBeforeAnythingIsAttached) {
  ProfileOptions o;
  o.args = {"nosuch.service"};
  o.systemctl = fake_systemctl("Id=nosuch.service\nLoadState=not-found\nActiveState=inactive\n");
  std::string out, err;
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_EQ(err, "hardnut: Unit nosuch.service not found.\n");
  o.systemctl = fake_systemctl("Id=masked.service\nLoadState=masked\nActiveState=inactive\n");
  o.args = {"masked.service"};
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_EQ(err, "hardnut: Unit masked.service is masked.\n");
}

TEST_F(ProfileCommandTest, NoRestartNeedsARunningUnit) {
  ProfileOptions o;
  o.args = {"idle.service"};
  o.no_restart = true;
  o.systemctl = fake_systemctl(
      "Id=idle.service\nLoadState=loaded\nActiveState=inactive\nControlGroup=\n"
      "Slice=system.slice\n");
  std::string out, err;
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("idle.service is not running; --no-restart observes running processes only"),
            std::string::npos)
      << err;
  EXPECT_TRUE(out.empty());
}

TEST_F(ProfileCommandTest, StopWithoutARecorderSaysSo) {
  ProfileOptions o;
  o.args = {"stop", "demo.service"};
  o.state_dir = dir_.string();
  o.systemctl = fake_systemctl("Id=demo.service\nLoadState=loaded\nActiveState=active\n");
  std::string out, err;
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("no recorder of demo.service is running"), std::string::npos) << err;
  // A stale pid file naming a process that is not a hardnut recorder is
  // removed, and nothing is signalled.
  std::ofstream(dir_ / "profile-demo.service.pid") << "1\n/tmp/x.json\n";
  EXPECT_EQ(run(o, out, err), 1);
  std::ofstream(dir_ / "profile-demo.service.pid") << getppid() << "\n/tmp/x.json\n";
  EXPECT_EQ(run(o, out, err), 1);
  EXPECT_NE(err.find("is gone (stale"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir_ / "profile-demo.service.pid"));
}

}  // namespace
}  // namespace hardnut
