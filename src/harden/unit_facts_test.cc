#include "harden/unit_facts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testing/test_files.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

class UnitFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::make_test_dir("facts");
    root_ = std::make_unique<RootFs>(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) {
    testing_support::write_test_file(dir_, name, content);
  }
  UnitFacts facts(const std::string& name, const std::vector<std::string>& extra = {}) {
    UnitFileIndex index({{root_.get(), "/"}});
    return collect_unit_facts(index, name, extra);
  }
  fs::path dir_;
  std::unique_ptr<RootFs> root_;
};

TEST_F(UnitFactsTest, UserAndExecLines) {
  write("a.service", "[Service]\nExecStart=-+/usr/sbin/nginx -g 'daemon off;'\nUser=www\n");
  UnitFacts f = facts("a.service");
  ASSERT_EQ(f.commands.size(), 1u);
  EXPECT_EQ(f.commands[0].binary, "nginx");
  EXPECT_TRUE(f.commands[0].privileged);
  EXPECT_EQ(f.commands[0].argv.size(), 3u);
  EXPECT_EQ(f.commands[0].argv[2], "daemon off;");
  EXPECT_EQ(f.facts.count("user_set"), 1u);
  EXPECT_EQ(f.facts.count("runs_as_root"), 0u);
  EXPECT_EQ(f.facts.count("privileged_exec"), 1u);
}

TEST_F(UnitFactsTest, ExtraLinesApplyLikeADropIn) {
  write("a.service", "[Service]\nExecStart=/bin/true\nUser=www\n");
  UnitFacts f = facts("a.service", {"User=", "DynamicUser=yes"});
  EXPECT_EQ(f.facts.count("user_set"), 0u);
  EXPECT_EQ(f.facts.count("dynamic_user"), 1u);
  EXPECT_EQ(f.facts.count("runs_as_root"), 0u);
}

TEST_F(UnitFactsTest, SocketsOfTheServiceAreRead) {
  write("web.service", "[Service]\nExecStart=/usr/bin/web\n");
  write("web.socket", "[Socket]\nListenStream=80\nListenStream=/run/web.sock\n");
  UnitFacts f = facts("web.service");
  ASSERT_EQ(f.sockets.size(), 1u);
  EXPECT_EQ(f.facts.at("listens_inet"), "ListenStream=80");
  EXPECT_EQ(f.facts.at("listens_unix"), "ListenStream=/run/web.sock");
  EXPECT_EQ(f.facts.count("socket_activated"), 1u);
}

TEST_F(UnitFactsTest, DbusPidFileAndOutput) {
  write("d.service",
        "[Service]\nType=dbus\nBusName=org.example.D\nExecStart=/usr/bin/d\n"
        "PIDFile=/run/d/d.pid\nStandardOutput=append:/var/log/d.log\n");
  UnitFacts f = facts("d.service");
  EXPECT_EQ(f.facts.count("type_dbus"), 1u);
  EXPECT_EQ(f.facts.count("undeclared_pid_file"), 1u);
  EXPECT_EQ(f.facts.count("output_to_file"), 1u);
  f = facts("d.service", {"RuntimeDirectory=d"});
  EXPECT_EQ(f.facts.count("undeclared_pid_file"), 0u);
  EXPECT_EQ(f.facts.count("writable_paths_declared"), 1u);
}

TEST_F(UnitFactsTest, EmptyValueResetsList) {
  write("a.service", "[Service]\nExecStart=/bin/true\nAmbientCapabilities=CAP_NET_RAW\n");
  write("a.service.d/x.conf", "[Service]\nAmbientCapabilities=\n");
  EXPECT_EQ(facts("a.service").facts.count("ambient_capabilities"), 0u);
}

TEST_F(UnitFactsTest, AmbientCapabilitiesOneFactEach) {
  write("a.service",
        "[Service]\nExecStart=/bin/true\nAmbientCapabilities=CAP_NET_BIND_SERVICE net_raw\n");
  UnitFacts f = facts("a.service");
  EXPECT_EQ(f.facts.count("ambient_has:CAP_NET_BIND_SERVICE"), 1u);
  EXPECT_EQ(f.facts.count("ambient_has:CAP_NET_RAW"), 1u);
  EXPECT_EQ(f.facts.count("ambient_has:CAP_SYS_TIME"), 0u);
  EXPECT_EQ(f.facts.count("ambient_inverted"), 0u);
}

// AIDE's unit grants its service user the power to read every file, and
// borgmatic's keeps it in a bounding set of two; a root daemon keeping the
// DAC capabilities among its user-switching ones is not such a grant.
TEST_F(UnitFactsTest, ReadAccessToEveryFileIsAFact) {
  write("aide.service",
        "[Service]\nUser=_aide\nAmbientCapabilities=CAP_DAC_READ_SEARCH CAP_AUDIT_WRITE\n"
        "ExecStart=/usr/bin/aide --check\n");
  EXPECT_EQ(facts("aide.service").facts.at("reads_all_files"),
            "AmbientCapabilities=CAP_DAC_READ_SEARCH CAP_AUDIT_WRITE");
  write("borg.service",
        "[Service]\nCapabilityBoundingSet=CAP_DAC_READ_SEARCH "
        "CAP_NET_RAW\nExecStart=/usr/bin/borg\n");
  EXPECT_EQ(facts("borg.service").facts.count("reads_all_files"), 1u);
  // Taken away again by a later inverted line, or only in an inverted one.
  EXPECT_EQ(facts("borg.service", {"CapabilityBoundingSet=~CAP_DAC_READ_SEARCH"})
                .facts.count("reads_all_files"),
            0u);
  write("vpn.service",
        "[Service]\nCapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_DAC_OVERRIDE\n"
        "CapabilityBoundingSet=~CAP_SYS_ADMIN\nExecStart=/usr/sbin/openvpn\n");
  EXPECT_EQ(facts("vpn.service").facts.count("reads_all_files"), 0u);
  EXPECT_EQ(
      facts("vpn.service", {"CapabilityBoundingSet=", "CapabilityBoundingSet=CAP_DAC_OVERRIDE"})
          .facts.at("reads_all_files"),
      "CapabilityBoundingSet=CAP_DAC_OVERRIDE");
  write("rtkit.service",
        "[Service]\nCapabilityBoundingSet=CAP_SYS_NICE CAP_DAC_READ_SEARCH CAP_SETUID\n"
        "ExecStart=/usr/libexec/rtkit-daemon\n");
  EXPECT_EQ(facts("rtkit.service").facts.count("reads_all_files"), 0u);
  EXPECT_EQ(facts("vpn.service", {"AmbientCapabilities=dac_override"}).facts.at("reads_all_files"),
            "AmbientCapabilities=dac_override");
}

TEST_F(UnitFactsTest, ReadWritePathsOfTheRootIsAFact) {
  write("a.service", "[Service]\nExecStart=/bin/true\nReadWritePaths=/var/lib/a -/\n");
  EXPECT_EQ(facts("a.service").facts.at("writes_whole_fs"), "ReadWritePaths=/var/lib/a -/");
  write("b.service", "[Service]\nExecStart=/bin/true\nReadWritePaths=/var /srv\n");
  EXPECT_EQ(facts("b.service").facts.count("writes_whole_fs"), 0u);
}

TEST_F(UnitFactsTest, MissingUnitHasNoFacts) {
  UnitFacts f = facts("nope.service");
  EXPECT_TRUE(f.facts.empty());
  EXPECT_TRUE(f.commands.empty());
}

}  // namespace
}  // namespace hardnut
