#include "cli/live_command.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

// Against a running manager, live mode is tested end to end by
// tests/live/run_live_tests.py (a booted systemd 252); these cover what
// needs none.

namespace hardnut {
namespace {

namespace fs = std::filesystem;

TEST(LiveCommand, WhatImpliesOfflineInDefaultMode) {
  SecurityOptions o;
  EXPECT_FALSE(options_imply_offline(o));
  o.units = {"cron", "foo.service", "foo@bar"};
  EXPECT_FALSE(options_imply_offline(o));
  o.units = {"cron", "./foo.service"};
  EXPECT_TRUE(options_imply_offline(o));
  for (auto set : std::vector<void (*)(SecurityOptions&)>{
           [](SecurityOptions& x) { x.root = "/mnt"; },
           [](SecurityOptions& x) { x.set_lines = {"PrivateTmp=yes"}; },
           [](SecurityOptions& x) { x.format = "sarif"; },
           [](SecurityOptions& x) { x.baseline = "b.txt"; },
       }) {
    SecurityOptions x;
    set(x);
    EXPECT_TRUE(options_imply_offline(x));
  }
}

TEST(LiveCommand, TargetFromOptions) {
  SecurityOptions o;
  EXPECT_EQ(live_target(o).transport, LiveTransport::kLocal);
  o.host = "admin@db1";
  EXPECT_EQ(live_target(o).transport, LiveTransport::kRemote);
  EXPECT_EQ(live_target(o).host, "admin@db1");
  o.machine = "web";
  EXPECT_EQ(live_target(o).transport, LiveTransport::kMachine);
  EXPECT_EQ(live_target(o).host, "web");
}

TEST(LiveCommand, FallbackNoteIsOneLineSayingTheMode) {
  std::string note = live_fallback_note("Failed to connect to bus: No such file or directory");
  EXPECT_EQ(note,
            "hardnut: no systemd manager answers (Failed to connect to bus: No such file or "
            "directory); scoring the unit files instead (offline mode)\n");
}

// A user manager that is not there: an empty runtime directory has neither
// its private socket nor a user bus.
class NoUserManager : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hardnut-live-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    const char* old = getenv("XDG_RUNTIME_DIR");
    if (old) saved_ = old;
    had_ = old != nullptr;
    setenv("XDG_RUNTIME_DIR", dir_.c_str(), 1);  // sd_bus_open_user() reads the real one
    unsetenv("DBUS_SESSION_BUS_ADDRESS");
    env_.vars = {{"XDG_RUNTIME_DIR", dir_.string()}, {"LANG", "C.UTF-8"}};
    options_.scope = Scope::kUser;
  }
  void TearDown() override {
    if (had_)
      setenv("XDG_RUNTIME_DIR", saved_.c_str(), 1);
    else
      unsetenv("XDG_RUNTIME_DIR");
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::string saved_;
  bool had_ = false;
  Environment env_;
  SecurityOptions options_;
};

TEST_F(NoUserManager, DefaultModeWritesNothingAndSaysWhy) {
  std::ostringstream out, err;
  std::string why;
  auto status = run_security_live(options_, env_, out, err, LiveMode::kIfAvailable, why);
  EXPECT_FALSE(status.has_value());
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(why, "Failed to connect to bus: No such file or directory");
}

TEST_F(NoUserManager, RequiredModeFailsAsSystemdAnalyze) {
  std::ostringstream out, err;
  std::string why;
  auto status = run_security_live(options_, env_, out, err, LiveMode::kRequired, why);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "Failed to connect to bus: No such file or directory\n");
}

}  // namespace
}  // namespace hardnut
