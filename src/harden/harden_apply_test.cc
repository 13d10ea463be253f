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

// Stand-ins for systemctl and journalctl (the real ones are exercised by
// the harden_live suite in a booted systemd): the "service" fails to
// start whenever the installed drop-in contains BREAK, and logs a denial
// to its journal whenever it contains DENY, as real services do with a
// directive they cannot live with. Every call is logged.
class HardenApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::make_test_dir("apply");
    dropin_ = (dir_ / "a.service.d/50-hardnut.conf").string();
    calls_ = (dir_ / "calls.log").string();
    journal_ = (dir_ / "journal.log").string();
    std::string state = (dir_ / "state").string();
    std::ofstream(journal_) << "1 a.service: started long ago\n";
    script("systemctl", "echo \"$*\" >> " + calls_ +
                            "\ncase \"$1\" in\n  restart)\n    if grep -q BREAK " + dropin_ +
                            " 2>/dev/null; then echo failed > " + state + "; else echo active > " +
                            state + "; fi\n    if grep -q DENY " + dropin_ +
                            " 2>/dev/null; then echo \"$(date +%s) open /var/log/a.log: " +
                            "Read-only file system\" >> " + journal_ +
                            "; fi ;;\n  show) echo ActiveState=$(cat " + state +
                            "); echo SubState=x; echo Result=success; echo NRestarts=0; echo "
                            "Type=simple; echo ExecReload= ;;\nesac\nexit 0\n");
    // Lines are "EPOCH TEXT"; --since @EPOCH is honoured as journalctl does.
    script("journalctl",
           "since=0\nwhile [ $# -gt 0 ]; do [ \"$1\" = --since ] && since=${2#@}; shift; done\n"
           "awk -v since=$since '$1 >= since { sub(/^[0-9]+ /, \"\"); print }' " +
               journal_ + "\n");
    options_.verify.unit = "a.service";
    options_.verify.systemctl = (dir_ / "systemctl").string();
    options_.verify.journalctl = (dir_ / "journalctl").string();
    options_.verify.settle_seconds = 0.2;
    options_.verify.soak_seconds = 0.2;
    options_.verify.check_timeout_seconds = 0.3;
    options_.verify.poll_seconds = 0.05;
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
  void previous(const std::string& content) {
    fs::create_directories(fs::path(dropin_).parent_path());
    std::ofstream(dropin_) << content;
  }
  // A drop-in of the changes `kept`, with a comment naming the culprits.
  RenderChanges render() {
    return [this](const std::vector<size_t>& kept, const std::vector<Culprit>& culprits) {
      std::string s = "# hardnut-managed: yes\n";
      for (const auto& c : culprits) s += "# Left out: change " + std::to_string(c.change) + "\n";
      s += "[Service]\n";
      for (size_t i : kept) s += changes_[i] + "\n";
      return s;
    };
  }
  LiveApplyResult apply(std::ostringstream& log) {
    std::string error;
    LiveApplyResult r = apply_live(dropin_, changes_.size(), render(), true, options_, log, error);
    EXPECT_EQ(error, "");
    return r;
  }
  fs::path dir_;
  std::string dropin_, calls_, journal_;
  LiveApplyOptions options_;
  std::vector<std::string> changes_ = {"PrivateTmp=yes", "NoNewPrivileges=yes", "ProtectClock=yes",
                                       "ProtectHostname=yes"};
};

const std::string kPrevious = "# hardnut-managed: yes\n[Service]\nPrivateTmp=yes\n";

TEST_F(HardenApplyTest, WorkingServicePassesEveryStep) {
  options_.verify.checks = {"true", "test -d /"};
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  EXPECT_TRUE(r.ok) << r.broke;
  EXPECT_FALSE(r.reduced);
  EXPECT_EQ(r.kept.size(), 4u);
  std::vector<std::string> steps;
  for (const auto& s : r.report.steps)
    steps.push_back(s.name + (s.status == VerifyStep::kSkipped ? "-" : ""));
  EXPECT_EQ(steps, (std::vector<std::string>{"restart", "check", "check", "second-restart",
                                             "reload-", "soak", "footprint-", "journal"}));
  EXPECT_NE(read(dropin_).find("ProtectHostname=yes"), std::string::npos);
  std::string calls = read(calls_);
  // Reloaded before the first restart, then restarted a second time.
  size_t first = calls.find("restart a.service");
  EXPECT_LT(calls.find("daemon-reload\n"), first) << calls;
  EXPECT_NE(calls.find("restart a.service", first + 1), std::string::npos) << calls;
  EXPECT_NE(log.str().find("hardnut: verify: ok journal:"), std::string::npos) << log.str();
}

TEST_F(HardenApplyTest, BisectionFindsTheBreakingChangeAndKeepsTheRest) {
  changes_[2] = "# BREAK\nPrivateNetwork=yes";
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  ASSERT_TRUE(r.ok) << r.broke << log.str();
  EXPECT_TRUE(r.reduced);
  ASSERT_EQ(r.culprits.size(), 1u);
  EXPECT_EQ(r.culprits[0].change, 2u);
  EXPECT_NE(r.culprits[0].evidence.find("a.service is failed"), std::string::npos)
      << r.culprits[0].evidence;
  EXPECT_EQ(r.kept, (std::vector<size_t>{0, 1, 3}));
  std::string final_dropin = read(dropin_);
  EXPECT_EQ(final_dropin.find("\nPrivateNetwork=yes"), std::string::npos) << final_dropin;
  EXPECT_NE(final_dropin.find("# Left out: change 2"), std::string::npos) << final_dropin;
  EXPECT_NE(final_dropin.find("ProtectHostname=yes"), std::string::npos);
  EXPECT_LE(r.tries, 3);
}

TEST_F(HardenApplyTest, ANewDenialInTheJournalFailsVerification) {
  changes_[1] = "# DENY\nProtectSystem=strict";
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  ASSERT_TRUE(r.ok) << r.broke;
  ASSERT_EQ(r.culprits.size(), 1u);
  EXPECT_EQ(r.culprits[0].change, 1u);
  EXPECT_NE(r.culprits[0].evidence.find("journal: 1 new denial"), std::string::npos)
      << r.culprits[0].evidence;
  EXPECT_NE(r.culprits[0].evidence.find("Read-only file system"), std::string::npos);
}

TEST_F(HardenApplyTest, DenialsFromBeforeTheChangeDoNotCount) {
  std::ofstream(journal_, std::ios::app) << "1 open /etc/x: Permission denied (pid 4711)\n";
  // The service logs the same denial again after the change, with another pid.
  std::ofstream(journal_, std::ios::app)
      << "9999999999 open /etc/x: Permission denied (pid 4712)\n";
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  EXPECT_TRUE(r.ok) << r.broke;
  EXPECT_FALSE(r.reduced);
}

TEST_F(HardenApplyTest, NothingPassesRestoresThePreviousFile) {
  previous(kPrevious);
  for (auto& c : changes_) c = "# BREAK\n" + c;
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.broke.find("a.service is failed"), std::string::npos) << r.broke;
  EXPECT_TRUE(r.rolled_back);
  EXPECT_EQ(read(dropin_), kPrevious);
  EXPECT_TRUE(r.restored_ok) << r.restore_problem;
}

// A check that fails before any change would blame every change: nothing
// is written and the service is not touched.
TEST_F(HardenApplyTest, ACheckFailingBeforeAnyChangeChangesNothing) {
  previous(kPrevious);
  options_.verify.checks = {"echo connection refused; exit 7"};
  std::string error;
  std::ostringstream log;
  LiveApplyResult r = apply_live(dropin_, changes_.size(), render(), true, options_, log, error);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(error.find("the check fails before any change"), std::string::npos) << error;
  EXPECT_NE(error.find("exit status 7"), std::string::npos) << error;
  EXPECT_NE(error.find("connection refused"), std::string::npos) << error;
  EXPECT_EQ(read(dropin_), kPrevious);
  EXPECT_EQ(read(calls_).find("restart"), std::string::npos) << read(calls_);
}

TEST_F(HardenApplyTest, WithoutAPreviousFileARollbackRemovesTheNewOne) {
  for (auto& c : changes_) c = "# BREAK\n" + c;
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.culprits.size(), 4u);  // each change alone breaks it
  EXPECT_LE(r.tries, 7);             // 2n - 1: each culprit by itself, then the rest
  EXPECT_TRUE(r.rolled_back);
  EXPECT_TRUE(r.restored_ok) << r.restore_problem;
  EXPECT_FALSE(fs::exists(dropin_));
}

TEST_F(HardenApplyTest, MaxTriesBoundsTheBisection) {
  changes_ = {"A=1", "B=1", "C=1", "D=1", "E=1", "F=1", "G=1", "# BREAK\nH=1"};
  options_.max_tries = 1;
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  EXPECT_EQ(r.tries, 1);
  EXPECT_TRUE(r.exhausted);
  // One try (4 changes) passed: kept, though more would have worked.
  EXPECT_TRUE(r.ok) << r.broke;
  EXPECT_EQ(r.kept.size(), 4u);
}

// Ctrl-C while the service is being watched: the proof stops, the
// previous drop-in comes back and is reloaded, whatever the service did.
TEST_F(HardenApplyTest, InterruptionRollsBack) {
  previous(kPrevious);
  std::atomic<bool> interrupted{false};
  options_.verify.interrupted = &interrupted;
  options_.verify.soak_seconds = 30;  // without the interruption the test would take this long
  std::thread ctrl_c([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    interrupted = true;
  });
  std::ostringstream log;
  auto start = std::chrono::steady_clock::now();
  LiveApplyResult r = apply(log);
  ctrl_c.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.interrupted);
  EXPECT_TRUE(r.rolled_back);
  EXPECT_EQ(read(dropin_), kPrevious);
  EXPECT_TRUE(r.restored_ok) << r.restore_problem;
  std::string calls = read(calls_);
  size_t first = calls.find("restart a.service");
  size_t reload = calls.find("daemon-reload", first);
  EXPECT_NE(reload, std::string::npos) << calls;
  EXPECT_NE(calls.find("restart a.service", reload), std::string::npos) << calls;
}

TEST_F(HardenApplyTest, MissingSystemctlIsReported) {
  options_.verify.systemctl = (dir_ / "no-such-systemctl").string();
  std::ostringstream log;
  LiveApplyResult r = apply(log);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.broke.find("daemon-reload failed"), std::string::npos) << r.broke;
  EXPECT_TRUE(r.rolled_back);
  EXPECT_FALSE(fs::exists(dropin_));
}

TEST(JournalDenials, NumbersAreNormalizedAndOnlyDenialsCount) {
  auto lines = denial_lines(
      "started\nopen /x: Permission denied (pid 12)\nMain process exited, code=killed, "
      "status=31/SYS\nall good\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "open /x: Permission denied (pid N)");
  EXPECT_EQ(normalize_journal_line("  at 0x7ffd1234 pid 9  "), "at N pid N");
}

}  // namespace
}  // namespace hardnut
