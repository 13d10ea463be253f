// The systemd version profiles as users meet them: --systemd-version= and
// auto detection through the security verb, each version's checks, values
// and refusals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "assess/checks.h"
#include "base/root_fs.h"
#include "cli/security_command.h"
#include "directives/directives.h"
#include "model/systemd_version.h"
#include "testing/scratch_units.h"
#include "testing/test_files.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

class SystemdVersionTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing_support::make_test_dir("version-test"); }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& content = "") {
    testing_support::write_test_file(dir_, name, content);
  }

  std::optional<unsigned> detect(std::string* evidence = nullptr) {
    RootFs root(dir_.string());
    std::string where;
    auto v = detect_systemd_version(root, where);
    if (evidence) *evidence = where;
    return v;
  }

  // "X.Y" of `unit` scored like systemd `version`, with extra lines.
  std::string overall(const std::string& unit, unsigned version,
                      std::vector<std::string> set_lines = {}) {
    SecurityOptions o;
    o.offline = true;
    o.units = {unit};
    o.systemd_version = version;
    o.set_lines = std::move(set_lines);
    Environment env;
    env.cwd = dir_.string();
    env.vars = {{"LANG", "C.UTF-8"}, {"TERM", "xterm"}, {"SYSTEMD_UNIT_PATH", ""}};
    std::string out, err;
    EXPECT_EQ(run_security(o, env, out, err), 0) << err;
    std::string printed = testing_support::printed_exposure(out);
    EXPECT_NE(printed, "") << out;
    return printed;
  }

  fs::path dir_;
};

// A user manager's service (--user), as 252, 257 and 262 score it: 262
// knows it runs as the calling user; 257 and 262 refuse DynamicUser=.
TEST_F(SystemdVersionTest, UserServicesRunAsTheCallingUserIn262) {
  auto run = [&](const std::string& extra, unsigned version, std::string& out) {
    write("u.service", "[Service]\nExecStart=/bin/true\n" + extra);
    SecurityOptions o;
    o.offline = true;
    o.scope = Scope::kUser;
    o.units = {"u.service"};
    o.systemd_version = version;
    Environment env;
    env.cwd = dir_.string();
    env.vars = {{"LANG", "C.UTF-8"}, {"SYSTEMD_UNIT_PATH", ""}, {"XDG_RUNTIME_DIR", dir_}};
    std::string err;
    out.clear();
    return run_security(o, env, out, err);
  };
  std::string out;
  ASSERT_EQ(run("", 262, out), 0);
  EXPECT_NE(out.find("✓ User=/DynamicUser=                                          Service runs "
                     "under the calling user's identity"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("✓ SupplementaryGroups=                                        Service has no "
                     "supplementary groups"),
            std::string::npos);
  EXPECT_NE(out.find("\n  RemoveIPC=                                                  RemoveIPC= "
                     "has no effect on per-user services"),
            std::string::npos);
  EXPECT_NE(out.find("Overall exposure level for u.service: 9.2 UNSAFE"), std::string::npos);
  ASSERT_EQ(run("", 257, out), 0);  // the oracles: 9.2 (262), 9.6 (257)
  EXPECT_NE(out.find("✗ User=/DynamicUser=                                          Service runs "
                     "as root user"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Overall exposure level for u.service: 9.6 UNSAFE"), std::string::npos);
  ASSERT_EQ(run("User=nobody\n", 262, out), 0);
  EXPECT_NE(out.find("Service runs under as 'nobody' user"), std::string::npos);
  ASSERT_EQ(run("DynamicUser=yes\n", 252, out), 0);
  EXPECT_NE(out.find("Service runs under a transient non-root user identity"), std::string::npos);
  for (unsigned version : {257u, 262u}) EXPECT_EQ(run("DynamicUser=yes\n", version, out), 1);
}

TEST(SystemdVersionOption, AcceptsAutoAndTheProfiledVersionsOnly) {
  EXPECT_EQ(parse_systemd_version_option("auto"), 0u);
  for (unsigned v : {245u, 252u, 257u, 262u})
    EXPECT_EQ(parse_systemd_version_option(std::to_string(v)), v);
  for (const char* bad : {"", "253", "0252", "257.1", "v257", "Auto", "25x"})
    EXPECT_FALSE(parse_systemd_version_option(bad)) << bad;
}

TEST(SystemdVersionOption, ManagerVersionStrings) {
  EXPECT_EQ(version_from_manager_string("252.39-1~deb12u2"), 252u);
  EXPECT_EQ(version_from_manager_string("v257.4"), 257u);
  EXPECT_EQ(version_from_manager_string("262"), 262u);
  EXPECT_FALSE(version_from_manager_string(""));
  EXPECT_FALSE(version_from_manager_string("unknown"));
}

TEST_F(SystemdVersionTest, FindsTheSharedLibraryOfDebian) {
  write("usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so");
  std::string where;
  EXPECT_EQ(detect(&where), 257u);
  EXPECT_EQ(where, "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so");
}

TEST_F(SystemdVersionTest, FindsTheSharedLibraryOfFedoraAndArch) {
  write("usr/lib64/systemd/libsystemd-shared-256.11-1.fc41.so");
  EXPECT_EQ(detect(), 256u);
  fs::remove_all(dir_ / "usr");
  write("usr/lib/systemd/libsystemd-shared-262.so");
  EXPECT_EQ(detect(), 262u);
}

TEST_F(SystemdVersionTest, FallsBackToDpkgsRecord) {
  write("var/lib/dpkg/status",
        "Package: systemd-sysv\nStatus: install ok installed\nVersion: 999\n\n"
        "Package: systemd\nStatus: deinstall ok config-files\nVersion: 241-1\n\n"
        "Package: systemd\nStatus: install ok installed\nVersion: 1:252.39-1~deb12u2\n\n");
  std::string where;
  EXPECT_EQ(detect(&where), 252u);
  EXPECT_EQ(where, "/var/lib/dpkg/status");
}

TEST_F(SystemdVersionTest, NothingInstalled) {
  write("usr/lib/systemd/system/foo.service", "[Service]\n");
  EXPECT_FALSE(detect());
}

TEST_F(SystemdVersionTest, AutoPicksTheNearestOlderProfileAndSaysSo) {
  RootFs root(dir_.string());
  std::ostringstream err;
  EXPECT_EQ(resolve_systemd_version(0, &root, std::nullopt, err).number, 252u);
  EXPECT_NE(err.str().find("no systemd version found"), std::string::npos) << err.str();

  write("usr/lib/systemd/libsystemd-shared-256.so");
  err.str("");
  EXPECT_EQ(resolve_systemd_version(0, &root, std::nullopt, err).number, 252u);
  EXPECT_NE(err.str().find("found systemd 256"), std::string::npos) << err.str();

  err.str("");
  EXPECT_EQ(resolve_systemd_version(0, &root, "263.1-1", err).number, 262u);
  EXPECT_EQ(resolve_systemd_version(0, &root, "240", err).number, 245u);
  err.str("");
  EXPECT_EQ(resolve_systemd_version(0, &root, "257.13-1~deb13u1", err).number, 257u);
  EXPECT_EQ(err.str(), "");  // an exact match needs no note
  EXPECT_EQ(resolve_systemd_version(245, &root, "257", err).number, 245u);  // explicit wins
}

TEST(SystemdVersionChecks, EachVersionsCheckSet) {
  EXPECT_EQ(&checks_for(systemd_version(252)), &checks_v252());
  EXPECT_EQ(checks_for(systemd_version(257)).size(), 81u);
  EXPECT_EQ(checks_for(systemd_version(262)).size(), 81u);
  const auto& v245 = checks_for(systemd_version(245));
  ASSERT_EQ(v245.size(), 78u);
  unsigned weight = 0;
  for (const Check& c : v245) {
    weight += c.weight;
    EXPECT_NE(c.json_field, "ProtectProc");
    EXPECT_NE(c.json_field, "ProcSubset");
    EXPECT_NE(c.json_field, "CapabilityBoundingSet_CAP_BPF");
    if (c.json_field == "RestrictNamespaces_user") {
      EXPECT_EQ(c.name, "RestrictNamespaces=~CLONE_NEWUSER");
    }
    if (c.json_field == "CapabilityBoundingSet_CAP_SYS_RAWIO") {
      EXPECT_EQ(c.name, "CapabilityBoundingSet=~CAP_RAWIO");
    }
  }
  EXPECT_EQ(weight, 55425u);  // the sum the v245 sources give
}

constexpr const char* kHelloworld =
    "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\nExecStop=/bin/kill -9 $MAINPID\n";

// The magazine's walkthrough (9.6 9.4 9.0 8.8 8.1 7.8) is systemd 245 in
// live mode, where the manager reports PrivateMounts= as implied by
// PrivateTmp= and friends; modelled offline by setting it from step 2 on.
TEST_F(SystemdVersionTest, MagazineWalkthroughWith245Checks) {
  write("helloworld.service", kHelloworld);
  const std::vector<std::pair<std::vector<std::string>, std::string>> steps = {
      {{}, "9.6"},
      {{"NoNewPrivileges=yes"}, "9.4"},
      {{"PrivateTmp=yes", "PrivateMounts=yes"}, "9.0"},
      {{"RestrictNamespaces=uts ipc pid user cgroup"}, "8.8"},
      {{"ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectControlGroups=yes"},
       "8.1"},
      {{"ProtectSystem=yes", "PrivateUsers=yes"}, "7.8"},
  };
  std::vector<std::string> lines;
  for (const auto& [added, expected] : steps) {
    lines.insert(lines.end(), added.begin(), added.end());
    EXPECT_EQ(overall("helloworld.service", 245, lines), expected) << lines.back();
    // 252's check set gives 8.9, 8.2, 7.9 for the last three steps.
    if (expected == "8.8") {
      EXPECT_EQ(overall("helloworld.service", 252, lines), "8.9");
    }
  }
}

// Offline, 257+ reads an unset PrivateMounts= as true, and accepts new spellings.
TEST_F(SystemdVersionTest, NewerVersionsScoreNewSpellingsAndTheTriState) {
  write("a.service", kHelloworld);
  EXPECT_EQ(overall("a.service", 252), "9.6");
  EXPECT_EQ(overall("a.service", 257), "9.4");
  EXPECT_EQ(overall("a.service", 257, {"PrivateMounts=no"}), "9.6");
  EXPECT_EQ(overall("a.service", 257, {"PrivateMounts=no", "PrivateMounts="}), "9.4");
  EXPECT_EQ(overall("a.service", 252, {"PrivateTmp=disconnected"}), "9.6");
  EXPECT_EQ(overall("a.service", 257, {"PrivateTmp=disconnected"}), "9.2");
  EXPECT_EQ(overall("a.service", 257, {"PrivateUsers=full"}), "9.4");  // 258+
  EXPECT_EQ(overall("a.service", 262, {"PrivateUsers=full"}), "9.2");
  EXPECT_EQ(overall("a.service", 262, {"ProtectHostname=private:box"}), "9.4");  // weight 50
}

TEST_F(SystemdVersionTest, TemplatesAreAnalysedUnderTheVersionsInstanceName) {
  write("t@.service", std::string(kHelloworld) + "Environment=X=%i\n");
  for (auto [version, id] :
       {std::pair<unsigned, const char*>{252, "t@i.service"}, {257, "t@test_instance.service"}}) {
    SecurityOptions o;
    o.offline = true;
    o.units = {"t@.service"};
    o.systemd_version = version;
    Environment env;
    env.cwd = dir_.string();
    env.vars = {{"LANG", "C.UTF-8"}, {"SYSTEMD_UNIT_PATH", ""}};
    std::string out, err;
    EXPECT_EQ(run_security(o, env, out, err), 0) << err;
    EXPECT_NE(out.find(std::string("Overall exposure level for ") + id), std::string::npos) << out;
  }
}

// Load-time rules that differ after 252, as the 257/262 oracles show them.
TEST_F(SystemdVersionTest, NewerVersionsRefuseWhat252Accepts) {
  auto run = [&](const std::string& unit, unsigned version, std::string& out, std::string& err) {
    SecurityOptions o;
    o.offline = true;
    o.units = {unit};
    o.systemd_version = version;
    Environment env;
    env.cwd = dir_.string();
    env.vars = {{"LANG", "C.UTF-8"}, {"SYSTEMD_UNIT_PATH", ""}};
    return run_security(o, env, out, err);
  };
  std::string out, err;
  write("cred.service", "[Service]\nExecStop=/bin/true\nRemainAfterExit=yes\nLoadCredential=x\n");
  EXPECT_EQ(run("cred.service", 252, out, err), 0) << err;
  EXPECT_EQ(run("cred.service", 257, out, err), 1);
  EXPECT_NE(err.find("only allowed for Type=oneshot services"), std::string::npos) << err;

  // Without RemainAfterExit= both refuse it, each for its own reason.
  write("cred2.service", "[Service]\nExecStop=/bin/true\nSetCredential=x:y\n");
  EXPECT_EQ(run("cred2.service", 252, out, err), 1);
  EXPECT_NE(err.find("does not have RemainAfterExit=yes set"), std::string::npos) << err;
  EXPECT_EQ(run("cred2.service", 257, out, err), 1);
  EXPECT_NE(err.find("only allowed for Type=oneshot services"), std::string::npos) << err;

  // 257 does not read a masked unit's drop-ins, so it has nothing to say of them.
  std::error_code ec;
  fs::create_symlink("/dev/null", dir_ / "masked.service", ec);
  ASSERT_FALSE(ec);
  write("masked.service.d/x.conf", "[Service]\nPrivateNetwork=bogus\n");
  EXPECT_EQ(run("masked.service", 252, out, err), 1);
  EXPECT_NE(err.find("x.conf:2: Failed to parse boolean value, ignoring: bogus"), std::string::npos)
      << err;
  EXPECT_EQ(run("masked.service", 257, out, err), 1);
  EXPECT_EQ(err, "Unit masked.service is masked.\n");

  write("pids.socket", "[Socket]\nListenStream=80\nPrivatePIDs=yes\n");
  EXPECT_EQ(run("pids.socket", 257, out, err), 1);
  EXPECT_NE(err.find("PrivatePIDs= setting is only supported for service units"), std::string::npos)
      << err;

  write("empty.service", std::string(kHelloworld) + "[]\n");
  EXPECT_EQ(run("empty.service", 257, out, err), 0) << err;
  EXPECT_EQ(run("empty.service", 262, out, err), 1);
  EXPECT_NE(err.find("Section header invalid '[]'"), std::string::npos) << err;
}

// 252 takes capability numbers up to 63, 257+ up to 62: "~63" is then an
// inverted list of nothing known, which means every capability.
TEST_F(SystemdVersionTest, CapabilityNumbersEndAt62From257) {
  write("a.service", kHelloworld);
  std::vector<std::string> caps = {"CapabilityBoundingSet=CAP_SETUID", "CapabilityBoundingSet=~63"};
  EXPECT_EQ(overall("a.service", 252, caps), "7.3");
  EXPECT_EQ(overall("a.service", 257, caps), "9.4");
}

TEST_F(SystemdVersionTest, Version262Rules) {
  write("a.service", kHelloworld);
  // "~" alone is every known capability in 262, so the next line adds to it.
  std::vector<std::string> caps = {"CapabilityBoundingSet=~",
                                   "CapabilityBoundingSet=CAP_SYS_PTRACE"};
  EXPECT_EQ(overall("a.service", 257, caps), "7.2");
  EXPECT_EQ(overall("a.service", 262, caps), "9.4");
  // The first unknown family ends the list in 262.
  std::vector<std::string> afs = {"RestrictAddressFamilies=none AF_UNIX"};
  EXPECT_EQ(overall("a.service", 257, afs), "8.7");
  EXPECT_EQ(overall("a.service", 262, afs), "8.7");
  // ProtectProc=noaccess has no description; 262 lists it first.
  SecurityOptions o;
  o.offline = true;
  o.units = {"a.service"};
  o.set_lines = {"ProtectProc=noaccess"};
  Environment env;
  env.cwd = dir_.string();
  env.vars = {{"LANG", "C.UTF-8"}, {"SYSTEMD_UNIT_PATH", ""}};
  for (unsigned v : {257u, 262u}) {
    o.systemd_version = v;
    std::string out, err;
    ASSERT_EQ(run_security(o, env, out, err), 0) << err;
    size_t second_line = out.find('\n') + 1;
    bool first = out.compare(second_line, 16, "\xe2\x9c\x97 ProtectProc=") == 0;
    EXPECT_EQ(first, v == 262) << out;
  }
}

TEST_F(SystemdVersionTest, Version245HasNoPolicies) {
  write("a.service", kHelloworld);
  write("p.json", "{}");
  SecurityOptions o;
  o.offline = true;
  o.units = {"a.service"};
  o.policy_path = (dir_ / "p.json").string();
  o.systemd_version = 245;
  Environment env;
  env.cwd = dir_.string();
  env.vars = {{"LANG", "C.UTF-8"}, {"SYSTEMD_UNIT_PATH", ""}};
  std::string out, err;
  EXPECT_EQ(run_security(o, env, out, err), 1);
  EXPECT_NE(err.find("systemd 245 has no --security-policy="), std::string::npos) << err;
}

// What suggest and harden may propose to each version.
TEST(SystemdVersionValues, AcceptedAssignments) {
  auto accepts = [](unsigned v, const char* key, const char* value) {
    const SystemdVersion& version = systemd_version(v);
    return accepts_assignment(version, syscall_table(version), "Service", key, value);
  };
  EXPECT_TRUE(accepts(252, "PrivateTmp", "yes"));
  EXPECT_FALSE(accepts(252, "PrivateTmp", "disconnected"));
  EXPECT_TRUE(accepts(257, "PrivateTmp", "disconnected"));
  EXPECT_FALSE(accepts(257, "PrivateUsers", "full"));
  EXPECT_TRUE(accepts(262, "PrivateUsers", "full"));
  EXPECT_FALSE(accepts(257, "ProtectHostname", "private"));
  EXPECT_TRUE(accepts(262, "ProtectHostname", "private:web"));
  EXPECT_FALSE(accepts(252, "PrivatePIDs", "yes"));  // unknown key in 252
  EXPECT_TRUE(accepts(257, "PrivatePIDs", "yes"));
  EXPECT_FALSE(accepts(257, "ProtectSystem", "bogus"));
  EXPECT_TRUE(accepts(245, "ProtectProc", "invisible"));  // 252's key list stands in for 245's
}

}  // namespace
}  // namespace hardnut
