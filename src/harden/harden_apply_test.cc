#include "harden/harden_apply.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "testing/test_files.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

// A stand-in for systemctl: the "service" fails whenever the installed
// drop-in contains BREAK, as a real service fails with a directive it
// cannot live with. Every call is logged.
class HardenApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::make_test_dir("apply");
    dropin_ = (dir_ / "a.service.d/50-hardnut.conf").string();
    std::string log = (dir_ / "calls.log").string();
    std::string state = (dir_ / "state").string();
    script("systemctl", "echo \"$*\" >> " + log +
                            "\n"
                            "case \"$1\" in\n"
                            "  restart) if grep -q BREAK " +
                            dropin_ + " 2>/dev/null; then echo failed > " + state +
                            "; else echo active > " + state +
                            "; fi ;;\n"
                            "  show) echo ActiveState=$(cat " +
                            state +
                            "); echo SubState=x; echo Result=success; echo NRestarts=0; echo "
                            "Type=simple ;;\n"
                            "esac\nexit 0\n");
    script("journalctl", "echo 'a.service: Failed at step SECCOMP'\n");
    options_.unit = "a.service";
    options_.systemctl = (dir_ / "systemctl").string();
    options_.journalctl = (dir_ / "journalctl").string();
    options_.settle_seconds = 0.3;
    options_.check_timeout_seconds = 0.5;
    options_.poll_seconds = 0.05;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void script(const std::string& name, const std::string& body) {
    std::string p = (dir_ / name).string();
    std::ofstream(p) << "#!/bin/sh\n" << body;
    chmod(p.c_str(), 0755);
  }
  std::string read(const std::string& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  DropinInstall install(const std::string& content) {
    DropinInstall r;
    std::string error;
    EXPECT_TRUE(install_dropin(dropin_, content, true, r, error)) << error;
    return r;
  }
  fs::path dir_;
  std::string dropin_;
  LiveApplyOptions options_;
};

const std::string kGood = "# hardnut-managed: yes\n[Service]\nPrivateTmp=yes\n";
const std::string kBad = "# hardnut-managed: yes\n[Service]\n# BREAK\nPrivateNetwork=yes\n";

TEST_F(HardenApplyTest, WorkingServiceKeepsTheDropin) {
  DropinInstall r = install(kGood);
  std::ostringstream log;
  options_.check = "true";
  LiveApplyResult a = apply_live(r, options_, log);
  EXPECT_TRUE(a.ok) << a.broke;
  EXPECT_FALSE(a.rolled_back);
  EXPECT_EQ(read(dropin_), kGood);
  std::string calls = read((dir_ / "calls.log").string());
  EXPECT_EQ(calls.find("daemon-reload\n"), 0u) << calls;
  EXPECT_NE(calls.find("restart a.service\n"), std::string::npos) << calls;
}

TEST_F(HardenApplyTest, FailingServiceIsRolledBackToThePreviousFile) {
  install(kGood);
  DropinInstall r = install(kBad);
  std::ostringstream log;
  LiveApplyResult a = apply_live(r, options_, log);
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.broke.find("a.service is failed"), std::string::npos) << a.broke;
  EXPECT_NE(a.broke.find("Failed at step SECCOMP"), std::string::npos) << a.broke;
  EXPECT_TRUE(a.rolled_back);
  EXPECT_TRUE(a.restored_ok) << a.restore_problem;
  EXPECT_EQ(read(dropin_), kGood);
  std::string calls = read((dir_ / "calls.log").string());
  // Reload and restart twice: with the new file, then with the old one.
  size_t first = calls.find("restart a.service");
  EXPECT_NE(calls.find("daemon-reload", first), std::string::npos) << calls;
  EXPECT_NE(calls.find("restart a.service", first + 1), std::string::npos) << calls;
}

TEST_F(HardenApplyTest, FailingCheckRollsBackAndRemovesANewFile) {
  DropinInstall r = install(kGood);
  std::ostringstream log;
  options_.check = "echo connection refused; exit 7";
  LiveApplyResult a = apply_live(r, options_, log);
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.broke.find("--check failed"), std::string::npos) << a.broke;
  EXPECT_NE(a.broke.find("exit status 7"), std::string::npos) << a.broke;
  EXPECT_NE(a.broke.find("connection refused"), std::string::npos) << a.broke;
  EXPECT_TRUE(a.rolled_back);
  EXPECT_FALSE(fs::exists(dropin_));
  // The check fails with the old configuration too, and that is reported.
  EXPECT_FALSE(a.restored_ok);
  EXPECT_NE(a.restore_problem.find("--check failed"), std::string::npos);
}

// Ctrl-C while the service is being watched: the proof stops, the
// previous drop-in comes back and is reloaded, whatever the service did.
TEST_F(HardenApplyTest, InterruptionRollsBack) {
  install(kGood);
  const std::string newer = "# hardnut-managed: yes\n[Service]\nProtectSystem=strict\n";
  DropinInstall r = install(newer);
  std::atomic<bool> interrupted{false};
  options_.interrupted = &interrupted;
  options_.settle_seconds = 30;  // without the interruption the test would take this long
  std::thread ctrl_c([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    interrupted = true;
  });
  std::ostringstream log;
  auto start = std::chrono::steady_clock::now();
  LiveApplyResult a = apply_live(r, options_, log);
  ctrl_c.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(a.ok);
  EXPECT_TRUE(a.interrupted);
  EXPECT_TRUE(a.rolled_back);
  EXPECT_EQ(read(dropin_), kGood);
  // The old configuration is reloaded and the service restarted with it.
  EXPECT_TRUE(a.restored_ok) << a.restore_problem;
  std::string calls = read((dir_ / "calls.log").string());
  size_t first = calls.find("restart a.service");
  size_t reload = calls.find("daemon-reload", first);
  EXPECT_NE(reload, std::string::npos) << calls;
  EXPECT_NE(calls.find("restart a.service", reload), std::string::npos) << calls;
}

TEST_F(HardenApplyTest, MissingSystemctlIsReported) {
  DropinInstall r = install(kGood);
  options_.systemctl = (dir_ / "no-such-systemctl").string();
  std::ostringstream log;
  LiveApplyResult a = apply_live(r, options_, log);
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.broke.find("daemon-reload failed"), std::string::npos) << a.broke;
  EXPECT_TRUE(a.rolled_back);
  EXPECT_FALSE(fs::exists(dropin_));
}

}  // namespace
}  // namespace hardnut
