#include "harden/harden.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/scratch_units.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() { return fs::path(__FILE__).parent_path() / "../../../shared/corpus/units"; }

class HardenTest : public testing_support::ScratchUnitsTest {
 protected:
  HardenTest() : ScratchUnitsTest("harden") {}
};

// For a sample of the real Debian units of the corpus: the plan's exposure
// is what `hardnut security` computes for the unit with the rendered
// drop-in installed beside it, every step lowers the exposure, and no step
// is above the level or known to break the unit.
TEST_F(HardenTest, PredictedExposureEqualsFullRescoreOnCorpusUnits) {
  ASSERT_TRUE(fs::is_directory(corpus_dir())) << "corpus missing: " << corpus_dir();
  std::vector<fs::path> units;
  for (const auto& e : fs::recursive_directory_iterator(corpus_dir()))
    if (e.is_regular_file() && e.path().extension() == ".service") units.push_back(e.path());
  std::sort(units.begin(), units.end());
  ASSERT_GT(units.size(), 300u);
  size_t checked = 0, improved = 0;
  // Every 6th unit (80 of them), at the three levels in turn: the walk
  // scores each unit a few hundred times, so all of them would be slow.
  for (size_t i = 0; i < units.size(); i += 6) {
    const fs::path& src = units[i];
    Risk level = (i / 6) % 3 == 0   ? Risk::kAggressive
                 : (i / 6) % 3 == 1 ? Risk::kStandard
                                    : Risk::kSafe;
    // A private copy of the package's unit directory, so the drop-in can be
    // installed beside it.
    fs::path work = dir_ / std::to_string(i);
    fs::create_directories(work);
    fs::copy(src.parent_path(), work, fs::copy_options::recursive);
    std::string unit = (work / src.filename()).string();
    TargetOptions o;
    o.unit = unit;
    std::string err;
    auto target = HardeningTarget::open(o, env_, err);
    if (!target) {
      // Units systemd refuses are refused by security too.
      EXPECT_EQ(security_exposure(unit, {}, /*may_refuse=*/true), -1) << src << ": " << err;
      continue;
    }
    HardenPlan plan = plan_hardening(*target, builtin_knowledge(), level, std::nullopt);
    ASSERT_TRUE(plan.base.ok) << src;
    double previous = exact_exposure(plan.base.assessment);
    for (const auto& step : plan.steps) {
      EXPECT_LT(step.exact_after, previous) << src << ": " << step.entry->id;
      previous = step.exact_after;
      EXPECT_LE(step.risk, level) << src << ": " << step.entry->id;
      EXPECT_TRUE(unsafe_reasons(*step.entry, plan.signals).empty()) << src << step.entry->id;
    }
    ++checked;
    if (plan.chosen.empty()) continue;
    std::string content = render_dropin(plan, *target, "test", plan.walk_exposure, {});
    fs::path dropin_dir = work / (target->dropin_unit_name() + ".d");
    fs::create_directories(dropin_dir);
    std::ofstream(dropin_dir / "50-hardnut.conf") << content;
    EXPECT_EQ(security_exposure(unit), static_cast<int>(plan.walk_exposure))
        << src << " at level " << risk_name(level) << "\n"
        << content;
    improved += plan.walk_exposure < plan.base.assessment.exposure;
  }
  EXPECT_GT(checked, 60u);
  EXPECT_GT(improved, checked / 2);
}

// The directives that narrow what a service sees of the file system, and
// DevicePolicy=closed, which denies the devices PrivateDevices= hides.
bool narrows_view(const std::string& line) {
  for (const char* p : {"ProtectHome=", "ProtectSystem=strict", "PrivateTmp=", "PrivateUsers=",
                        "PrivateDevices=", "ProtectProc=", "ProcSubset=", "TemporaryFileSystem=",
                        "InaccessiblePaths=", "DevicePolicy="})
    if (line.rfind(p, 0) == 0) return true;
  return false;
}

// The drop-in lines `hardnut harden --level=LEVEL UNIT` prints.
std::vector<std::string> harden_lines(const std::string& unit, Risk level, const Environment& env) {
  HardenOptions o;
  o.target.unit = unit;
  o.level = level;
  o.command_line = "hardnut harden " + unit;
  std::ostringstream out, err;
  EXPECT_EQ(run_harden(o, env, out, err), 0) << unit << ": " << err.str();
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#' && line[0] != '[') lines.push_back(line);
  return lines;
}

// AIDE's daily check used to get ProtectHome=yes, PrivateTmp=yes,
// PrivateUsers=yes and PrivateDevices=yes at standard, and silently stopped
// checking /home. The corpus's integrity checkers, backups and monitoring
// agents (and a node exporter) get no change of what they see below
// aggressive; at aggressive such changes are possible again.
TEST_F(HardenTest, WideViewServicesKeepTheirViewBelowAggressive) {
  ASSERT_TRUE(fs::is_directory(corpus_dir())) << "corpus missing: " << corpus_dir();
  write("prometheus-node-exporter.service",
        "[Unit]\nDescription=Prometheus exporter for machine metrics\n[Service]\n"
        "User=prometheus\nExecStart=/usr/bin/prometheus-node-exporter $ARGS\n");
  std::vector<std::string> units = {(dir_ / "prometheus-node-exporter.service").string()};
  for (const char* u :
       {// file integrity and security scanners
        "aide-common/dailyaidecheck.service", "lynis/lynis.service", "fapolicyd/fapolicyd.service",
        "auditd/auditd.service",
        // backups (borgmatic runs behind systemd-inhibit: its description says it)
        "borgmatic/borgmatic.service", "pgbackrest/pgbackrest.service",
        "cinder-backup/cinder-backup.service",
        // monitoring and inventory agents
        "nagios-nrpe-server/nagios-nrpe-server.service", "nrpe-ng/nrpe-ng.service",
        "nagios4-common/nagios4.service", "icinga2-bin/icinga2.service", "glances/glances.service",
        "sysstat/sysstat-collect.service", "sysstat/sysstat.service",
        "sysstat/sysstat-summary.service", "cfengine3/cf-monitord.service", "sinfo/sinfo.service",
        "open-vm-tools/open-vm-tools.service",
        // one of each other class
        "packagekit/packagekit.service", "oddjob/oddjobd.service", "docker.io/docker.service",
        "usbguard/usbguard-dbus.service"})
    units.push_back((corpus_dir() / u).string());
  size_t narrowed_at_aggressive = 0;
  for (const auto& unit : units) {
    TargetOptions o;
    o.unit = unit;
    std::string err;
    auto target = HardeningTarget::open(o, env_, err);
    ASSERT_TRUE(target) << unit << ": " << err;
    Signals signals = evaluate_signals(builtin_knowledge(), target->facts());
    EXPECT_TRUE(signals.count("wide_view")) << unit;
    for (Risk level : {Risk::kSafe, Risk::kStandard})
      for (const auto& line : harden_lines(unit, level, env_))
        EXPECT_FALSE(narrows_view(line)) << unit << " at " << risk_name(level) << ": " << line;
    auto aggressive = harden_lines(unit, Risk::kAggressive, env_);
    narrowed_at_aggressive +=
        std::any_of(aggressive.begin(), aggressive.end(), [](auto& l) { return narrows_view(l); });
    if (unit.find("dailyaidecheck") != std::string::npos) {
      EXPECT_TRUE(std::any_of(aggressive.begin(), aggressive.end(), [](auto& l) {
        return l.rfind("ProtectHome=", 0) == 0;
      })) << "at aggressive the change remains possible";
    }
  }
  EXPECT_GT(narrowed_at_aggressive, units.size() / 2);
}

TEST_F(HardenTest, TargetStopsTheWalkEarly) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  TargetOptions o;
  o.unit = "hello.service";
  std::string err;
  auto t = HardeningTarget::open(o, env_, err);
  ASSERT_TRUE(t) << err;
  HardenPlan full = plan_hardening(*t, builtin_knowledge(), Risk::kStandard, std::nullopt);
  HardenPlan to_eight = plan_hardening(*t, builtin_knowledge(), Risk::kStandard, 80);
  EXPECT_LE(to_eight.walk_exposure, 80u);
  EXPECT_GT(to_eight.walk_exposure, full.walk_exposure);
  EXPECT_LT(to_eight.chosen.size(), full.chosen.size());
  // Only safe changes are needed to reach 8.0.
  for (const auto& s : to_eight.steps) EXPECT_EQ(s.risk, Risk::kSafe) << s.entry->id;
}

TEST_F(HardenTest, HelloworldReachesTwoAtStandard) {
  write("hello.service",
        "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\nExecStop=/bin/kill -9 "
        "$MAINPID\n");
  HardenOptions o;
  o.target.unit = "hello.service";
  o.command_line = "hardnut harden hello.service";
  std::ostringstream out, err;
  EXPECT_EQ(run_harden(o, env_, out, err), 0) << err.str();
  write("hello.service.d/50-hardnut.conf", out.str());
  int after = security_exposure("hello.service");
  EXPECT_GE(after, 0);
  EXPECT_LE(after, 20);
  EXPECT_NE(out.str().find("# hardnut-managed: yes\n"), std::string::npos);
  // Known to break a network server, so never in its drop-in.
  EXPECT_EQ(out.str().find("PrivateNetwork="), std::string::npos);
  EXPECT_EQ(out.str().find("RestrictAddressFamilies=AF_UNIX\n"), std::string::npos);
  // Every directive line has a comment above it saying why.
  std::istringstream lines(out.str());
  std::string line, previous;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != '#' && line[0] != '[') {
      EXPECT_EQ(previous.substr(0, 2), "# ") << line;
    }
    previous = line;
  }
}

TEST_F(HardenTest, UnreachedTargetWritesNothing) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  HardenOptions o;
  o.target.unit = "hello.service";
  o.target.root = (dir_ / "root").string();
  fs::create_directories(o.target.root);
  o.level = Risk::kSafe;
  o.target_exposure = 10;
  o.write = true;
  std::ostringstream out, err;
  EXPECT_EQ(run_harden(o, env_, out, err), 1);
  EXPECT_NE(err.str().find("not reached"), std::string::npos) << err.str();
  EXPECT_FALSE(fs::exists(dir_ / "root/etc/systemd/system/hello.service.d/50-hardnut.conf"));
}

// --target out of reach says, check by check, why: a change above the
// level, one known to break the unit, one against its own setting, or no
// directive at all.
TEST_F(HardenTest, UnreachedTargetSaysWhyForEachCheck) {
  write("web.service",
        "[Service]\n# the service must see the host's devices\nPrivateDevices=no\n"
        "ExecStart=/usr/sbin/nginx -g 'daemon off;'\n");
  HardenOptions o;
  o.target.unit = "web.service";
  o.level = Risk::kStandard;
  o.target_exposure = 5;
  std::ostringstream out, err;
  EXPECT_EQ(run_harden(o, env_, out, err), 1);
  std::string e = err.str();
  EXPECT_NE(e.find("what keeps the exposure above 0.5:"), std::string::npos) << e;
  EXPECT_NE(e.find("PrivateNetwork=yes: known to break this unit (network_server"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("PrivateDevices=yes: overrides the unit's own PrivateDevices=no"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("above --level=standard"), std::string::npos) << e;
  EXPECT_NE(e.find("no directive in hardnut's knowledge fixes it"), std::string::npos) << e;
}

// A unit that only aggressive changes improve is told so, never that no
// change lowers its exposure.
TEST_F(HardenTest, NothingAtThisLevelPointsToTheLevelThatHelps) {
  // Every directive a safe change touches is the unit's own choice.
  write("own.service",
        "[Service]\nExecStart=/usr/bin/true\nNoNewPrivileges=no\nPrivateTmp=no\n"
        "PrivateMounts=no\nProtectControlGroups=no\nProtectKernelModules=no\n"
        "ProtectKernelTunables=no\nProtectKernelLogs=no\nProtectClock=no\n"
        "ProtectHostname=no\nProtectHome=no\nProtectSystem=no\nLockPersonality=no\n"
        "RestrictRealtime=no\nRestrictSUIDSGID=no\nSystemCallArchitectures=\n"
        "SystemCallFilter=\nCapabilityBoundingSet=\nUMask=0022\nKeyringMode=shared\n"
        "RemoveIPC=no\nPrivateDevices=no\n");
  HardenOptions o;
  o.target.unit = "own";  // a name as typed: own.service
  o.level = Risk::kSafe;
  std::ostringstream out, err;
  ASSERT_EQ(run_harden(o, env_, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("own.service: no change at level safe"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("--level=aggressive would lower it to"), std::string::npos) << out.str();
  o.level = Risk::kAggressive;
  std::ostringstream out2, err2;
  ASSERT_EQ(run_harden(o, env_, out2, err2), 0) << err2.str();
  EXPECT_NE(out2.str().find("# NOTE: overrides the unit's own PrivateDevices=no"),
            std::string::npos)
      << out2.str();
}

// --set lines are the user's changes: in the drop-in first, tagged, and
// their keys left alone by the walk.
TEST_F(HardenTest, SetLinesGoIntoTheDropin) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  HardenOptions o;
  o.target.unit = "hello.service";
  o.target.set_lines = {"ProtectSystem=full"};
  o.level = Risk::kAggressive;
  std::ostringstream out, err;
  ASSERT_EQ(run_harden(o, env_, out, err), 0) << err.str();
  std::string d = out.str();
  EXPECT_NE(d.find("# [--set] asked for on the command line (--set)\nProtectSystem=full\n"),
            std::string::npos)
      << d;
  EXPECT_EQ(d.find("\nProtectSystem=strict"), std::string::npos) << d;
}

TEST_F(HardenTest, WriteUnderRootRefusesForeignFileWithoutForce) {
  write("hello.service", "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n");
  fs::path root = dir_ / "root";
  fs::path installed = root / "etc/systemd/system/hello.service.d/50-hardnut.conf";
  fs::create_directories(installed.parent_path());
  std::ofstream(installed) << "[Service]\n# mine\nNice=5\n";
  HardenOptions o;
  o.target.unit = "hello.service";
  o.target.root = root.string();
  o.write = true;
  std::ostringstream out, err;
  EXPECT_EQ(run_harden(o, env_, out, err), 1);
  EXPECT_NE(err.str().find("Refusing to replace"), std::string::npos) << err.str();
  std::ifstream in(installed);
  std::string kept((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(kept, "[Service]\n# mine\nNice=5\n");

  o.force = true;
  std::ostringstream out2, err2;
  EXPECT_EQ(run_harden(o, env_, out2, err2), 0) << err2.str();
  std::ifstream in2(installed);
  std::string now((std::istreambuf_iterator<char>(in2)), {});
  EXPECT_EQ(now, out2.str());
  std::ifstream backup(installed.string() + ".bak");
  std::string old((std::istreambuf_iterator<char>(backup)), {});
  EXPECT_EQ(old, "[Service]\n# mine\nNice=5\n");
  EXPECT_NE(err2.str().find("systemctl daemon-reload"), std::string::npos);

  // Our own file is replaced without --force.
  o.force = false;
  o.level = Risk::kSafe;
  std::ostringstream out3, err3;
  EXPECT_EQ(run_harden(o, env_, out3, err3), 0) << err3.str();
}

TEST(ParseExposure, AcceptsPrintedForms) {
  EXPECT_EQ(parse_exposure("2"), 20u);
  EXPECT_EQ(parse_exposure("2.0"), 20u);
  EXPECT_EQ(parse_exposure("9.6"), 96u);
  EXPECT_EQ(parse_exposure("10"), 100u);
  EXPECT_EQ(parse_exposure("0.1"), 1u);
  EXPECT_FALSE(parse_exposure("10.1"));
  EXPECT_FALSE(parse_exposure("11"));
  EXPECT_FALSE(parse_exposure("-1"));
  EXPECT_FALSE(parse_exposure("2.05"));
  EXPECT_FALSE(parse_exposure(""));
  EXPECT_FALSE(parse_exposure("2x"));
}

}  // namespace
}  // namespace hardnut
