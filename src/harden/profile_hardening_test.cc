#include "harden/profile_hardening.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harden/harden.h"
#include "model/systemd_version.h"
#include "testing/scratch_units.h"

namespace hardnut {
namespace {

// An http.server as observed: what python3 did after its exec.
Profile observed_http_server() {
  Profile p;
  p.unit = "hello.service";
  p.architecture = "x86_64";
  p.seconds = 10;
  p.covers_startup = true;
  p.capabilities_observed = true;
  for (const char* call :
       {"read", "write", "openat", "close", "fstat", "mmap", "socket", "bind", "listen", "accept4",
        "epoll_wait", "getdents64", "execve", "brk", "rt_sigaction", "setsockopt", "futex"})
    p.service.syscalls[call] = 3;
  p.service.socket_families = {"AF_INET"};
  p.service.sockets = {{"bind", "AF_INET", "stream", "0.0.0.0", 8080}};
  p.service.files_read = {"/usr/lib/python3.11/http/server.py", "/etc/mime.types"};
  p.service.files_written = {"/var/lib/hello/state.db", "/var/lib/hello/sub/x", "/run/hello.pid",
                             "/proc/self/oom_score_adj"};
  p.service.devices = {"/dev/null", "/dev/urandom"};
  p.service.executables = {"/usr/bin/python3.11"};
  return p;
}

struct Derived {
  ProfileHardening h;
  std::map<std::string, std::string> lines;  // key -> its lines joined by "\n"
};

Derived derive(const Profile& p, const UnitFacts& facts = {}, Risk level = Risk::kStandard,
               bool without_startup = false) {
  Derived d;
  d.h = hardening_from_profile(p, facts, {}, syscall_table(), {level, without_startup});
  for (const auto& e : d.h.entries)
    for (const auto& l : e.lines) {
      std::string key = l.substr(0, l.find('='));
      d.lines[key] += (d.lines[key].empty() ? "" : "\n") + l;
    }
  return d;
}

TEST(ProfileHardeningTest, AllowListsFromWhatWasSeen) {
  Derived d = derive(observed_http_server());
  EXPECT_EQ(d.lines["SystemCallFilter"].substr(0, 33), "SystemCallFilter=@system-service\n");
  // No call of these groups was seen, so each is denied; nothing of @privileged was called.
  for (const char* g : {"@mount", "@privileged", "@resources", "@clock", "@debug"})
    EXPECT_NE(d.lines["SystemCallFilter"].find(g), std::string::npos) << g;
  EXPECT_EQ(d.lines["SystemCallArchitectures"], "SystemCallArchitectures=native");
  EXPECT_EQ(d.lines["RestrictAddressFamilies"], "RestrictAddressFamilies=AF_INET AF_UNIX");
  EXPECT_EQ(d.lines["CapabilityBoundingSet"], "CapabilityBoundingSet=");
  EXPECT_EQ(d.lines["ProtectSystem"], "ProtectSystem=strict");
  EXPECT_EQ(d.lines["ReadWritePaths"], "ReadWritePaths=-/run -/var/lib/hello");
  EXPECT_EQ(d.lines["SocketBindAllow"], "SocketBindAllow=tcp:8080");
  EXPECT_EQ(d.lines["PrivateDevices"], "PrivateDevices=yes");
  EXPECT_EQ(d.lines["ProtectHome"], "ProtectHome=yes");
  EXPECT_EQ(d.lines["MemoryDenyWriteExecute"], "MemoryDenyWriteExecute=yes");
  EXPECT_EQ(d.lines["RestrictNamespaces"], "RestrictNamespaces=yes");
  EXPECT_EQ(d.lines.count("PrivateNetwork"), 0u);
  EXPECT_TRUE(d.h.vetoed.count("PrivateNetwork"));
  // Every line says what justified it.
  for (const auto& e : d.h.entries) {
    EXPECT_EQ(e.tag, "observed");
    ASSERT_FALSE(e.line_notes.empty()) << e.id;
    EXPECT_FALSE(e.line_notes.front().empty()) << e.id;
  }
}

TEST(ProfileHardeningTest, CallsOutsideTheBaseAreListedAndTheirGroupsAllowed) {
  Profile p = observed_http_server();
  p.service.syscalls["mount"] = 1;
  p.service.syscalls["setresuid"] = 1;
  Derived d = derive(p);
  std::string first = d.lines["SystemCallFilter"].substr(0, d.lines["SystemCallFilter"].find('\n'));
  EXPECT_EQ(first, "SystemCallFilter=@system-service mount");
  EXPECT_EQ(d.lines["SystemCallFilter"].find("@mount"), std::string::npos);
  EXPECT_EQ(d.lines["SystemCallFilter"].find("@privileged"), std::string::npos);
}

TEST(ProfileHardeningTest, AggressiveAlsoDeniesUnusedPartsOfSystemService) {
  Derived standard = derive(observed_http_server());
  Derived aggressive = derive(observed_http_server(), {}, Risk::kAggressive);
  EXPECT_EQ(standard.lines["SystemCallFilter"].find("@aio"), std::string::npos);
  EXPECT_NE(aggressive.lines["SystemCallFilter"].find("@aio"), std::string::npos);
  EXPECT_EQ(aggressive.lines["SystemCallFilter"].find("@basic-io"), std::string::npos);
  EXPECT_EQ(aggressive.lines["SystemCallFilter"].find("@default"), std::string::npos);
  // Without AF_UNIX kept for logging.
  EXPECT_EQ(aggressive.lines["RestrictAddressFamilies"], "RestrictAddressFamilies=AF_INET");
}

TEST(ProfileHardeningTest, NoAllowListWithoutTheStartUp) {
  Profile p = observed_http_server();
  p.covers_startup = false;
  Derived d = derive(p);
  for (const char* key : {"SystemCallFilter", "RestrictAddressFamilies", "CapabilityBoundingSet",
                          "ProtectSystem", "SocketBindAllow"})
    EXPECT_EQ(d.lines.count(key), 0u) << key;
  ASSERT_FALSE(d.h.withheld.empty());
  EXPECT_NE(d.h.withheld.front().find("start-up"), std::string::npos);
  // Flags that only need the absence of a use still come.
  EXPECT_EQ(d.lines["MemoryDenyWriteExecute"], "MemoryDenyWriteExecute=yes");
  EXPECT_EQ(derive(p, {}, Risk::kStandard, true).lines.count("SystemCallFilter"), 1u);
}

TEST(ProfileHardeningTest, UsesRuleOutTheirRestrictions) {
  Profile p = observed_http_server();
  p.service.write_execute_mapping = true;
  p.service.personalities = {0x0008};
  p.service.scheduler_policies = {"fifo"};
  p.service.devices.insert("/dev/sda");
  p.service.files_written.insert("/home/alice/notes");
  p.service.namespaces = {"net", "mnt"};
  p.service.capabilities = {"CAP_NET_BIND_SERVICE"};
  Derived d = derive(p);
  for (const char* key : {"MemoryDenyWriteExecute", "LockPersonality", "RestrictRealtime",
                          "PrivateDevices", "ProtectHome"}) {
    EXPECT_EQ(d.lines.count(key), 0u) << key;
    EXPECT_TRUE(d.h.vetoed.count(key)) << key;
  }
  EXPECT_EQ(d.lines["RestrictNamespaces"], "RestrictNamespaces=mnt net");
  EXPECT_EQ(d.lines["CapabilityBoundingSet"], "CapabilityBoundingSet=CAP_NET_BIND_SERVICE");
  EXPECT_NE(d.lines["ReadWritePaths"].find("-/home/alice"), std::string::npos);
}

TEST(ProfileHardeningTest, TheUnitsOwnChoicesStandUntilAggressive) {
  UnitFacts facts;
  facts.unit_type = "service";
  facts.own["Service.ProtectSystem"] = {"full", "/lib/systemd/system/hello.service:7", ""};
  facts.settings["Service.StateDirectory"] = {"hello"};
  Derived standard = derive(observed_http_server(), facts);
  EXPECT_EQ(standard.lines.count("ProtectSystem"), 0u);
  bool said = false;
  for (const auto& w : standard.h.withheld) said |= w.find("ProtectSystem=full") != w.npos;
  EXPECT_TRUE(said);
  Derived aggressive = derive(observed_http_server(), facts, Risk::kAggressive);
  EXPECT_EQ(aggressive.lines["ProtectSystem"], "ProtectSystem=strict");
  // StateDirectory= is writable under strict already.
  EXPECT_EQ(aggressive.lines["ReadWritePaths"], "ReadWritePaths=-/run");
}

TEST(ProfileHardeningTest, WritableDirectories) {
  EXPECT_EQ(writable_directory_for("/var/lib/mysql/ibdata1"), "/var/lib/mysql");
  EXPECT_EQ(writable_directory_for("/var/lib/mysql/db/t.frm"), "/var/lib/mysql");
  EXPECT_EQ(writable_directory_for("/var/log/nginx/"), "/var/log/nginx");
  EXPECT_EQ(writable_directory_for("/run/nginx.pid"), "/run");
  EXPECT_EQ(writable_directory_for("/run/postgresql/.s.PGSQL.5432.lock"), "/run/postgresql");
  EXPECT_EQ(writable_directory_for("/etc/foo/bar.conf"), "/etc/foo");
  EXPECT_EQ(writable_directory_for("/tmp/x"), "/tmp");
  EXPECT_EQ(writable_directory_for("/proc/self/oom_score_adj"), "");
  EXPECT_EQ(writable_directory_for("/dev/null"), "");
  EXPECT_EQ(writable_directory_for("relative"), "");
}

TEST(ProfileHardeningTest, SuggestRanksObservedChangesInsteadOfTheirKnowledgeAlternatives) {
  ProfileHardening h = derive(observed_http_server()).h;
  Knowledge k = knowledge_with_profile(builtin_knowledge(), h);
  size_t observed = 0;
  for (const auto& e : k.entries) {
    if (e.id.rfind("observed:", 0) == 0) {
      ++observed;
      EXPECT_FALSE(e.requested);
      continue;
    }
    for (const auto& l : e.lines) {
      std::string key = l.substr(0, l.find('='));
      EXPECT_NE(key, "SystemCallFilter") << e.id;
      EXPECT_NE(key, "PrivateNetwork") << e.id;  // vetoed
      EXPECT_NE(key, "ProtectSystem") << e.id;
    }
  }
  EXPECT_EQ(observed, h.entries.size());
  EXPECT_LT(k.entries.size(), builtin_knowledge().entries.size() + h.entries.size());
}

class ProfileHardenTest : public testing_support::ScratchUnitsTest {
 protected:
  ProfileHardenTest() : ScratchUnitsTest("profile-harden") {}
  std::string write_profile(const Profile& p) {
    std::string path = (dir_ / "hello.profile.json").string();
    std::ofstream(path) << profile_to_json(p);
    return path;
  }
  int harden(const std::string& profile, std::string& dropin, std::string& error) {
    HardenOptions o;
    o.target.unit = "hello.service";
    o.profile = profile;
    o.command_line = "hardnut harden --profile=x hello.service";
    std::ostringstream out, err;
    int status = run_harden(o, env_, out, err);
    dropin = out.str();
    error = err.str();
    return status;
  }
};

TEST_F(ProfileHardenTest, TheProfileLowersTheExposureBelowStaticKnowledge) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  std::string static_dropin, profiled, error;
  ASSERT_EQ(harden("", static_dropin, error), 0) << error;
  ASSERT_EQ(harden(write_profile(observed_http_server()), profiled, error), 0) << error;
  write("hello.service.d/50-hardnut.conf", static_dropin);
  int static_exposure = security_exposure("hello.service");
  write("hello.service.d/50-hardnut.conf", profiled);
  int profiled_exposure = security_exposure("hello.service");
  EXPECT_GE(profiled_exposure, 0);
  EXPECT_LT(profiled_exposure, static_exposure) << profiled;
  EXPECT_NE(profiled.find("# [observed] observed: "), std::string::npos) << profiled;
  EXPECT_NE(profiled.find("\nCapabilityBoundingSet=\n"), std::string::npos) << profiled;
  // The knowledge's deny-lists of system calls give way to the observed allow-list.
  EXPECT_EQ(profiled.find("SystemCallFilter=~@privileged\n"), std::string::npos) << profiled;
}

TEST_F(ProfileHardenTest, RefusesAProfileOfAnotherUnit) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  Profile p = observed_http_server();
  p.unit = "other.service";
  std::string dropin, error;
  EXPECT_EQ(harden(write_profile(p), dropin, error), 1);
  EXPECT_NE(error.find("is a profile of other.service, not of hello.service"), std::string::npos)
      << error;
  EXPECT_EQ(harden((dir_ / "missing.json").string(), dropin, error), 1);
  EXPECT_NE(error.find("cannot read the profile"), std::string::npos) << error;
  EXPECT_TRUE(dropin.empty());
}

}  // namespace
}  // namespace hardnut
