// Confinement (issue 3): with --root=DIR, and when scanning a folder, no
// path hardnut follows may leave the tree, whatever the symlinks inside it
// say. A canary tree sits next to the root; the root links to it in every
// way a unit tree can (absolute and ../ symlinks, symlinked directories,
// drop-in directories and drop-ins, alias chains, .wants/ links, templates,
// a symlinked search-path directory, the policy file, user units). The
// kernel reports every open of a canary file or directory through inotify,
// and the canary files carry markers that would show up in hardnut's output
// if they were parsed; both must stay silent. Two controls prove the
// detectors work: reading the canary directly trips both, and
// systemd-analyze 252 itself follows the absolute symlink out of --root.
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../../tests/catalogue/run_process.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;
using testing_support::ProcessOptions;
using testing_support::ProcessResult;
using testing_support::run_process;

// Marker strings inside the canary files: an unknown key is reported by
// name ("Unknown key name 'CanaryMarker...'"), so parsing one shows.
constexpr const char* kMarker = "CanaryMarker";

// Collects inotify open/read events for a set of directories (the events of
// a directory cover the directory itself and the files directly in it).
class OpenWatch {
 public:
  OpenWatch() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}
  ~OpenWatch() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  void watch_tree(const std::string& dir) {
    add(dir);
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_directory() && !e.is_symlink()) add(e.path().string());
    drain();  // this walk's own opens
  }
  // Events since the last call, as "dir/name OPEN" lines.
  std::vector<std::string> drain() {
    std::vector<std::string> seen;
    alignas(inotify_event) char buf[65536];
    for (;;) {
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (char* p = buf; p < buf + n;) {
        auto* e = reinterpret_cast<inotify_event*>(p);
        std::string what = dirs_[e->wd] + "/" + (e->len ? e->name : "");
        what += (e->mask & IN_OPEN) ? " OPEN" : (e->mask & IN_ACCESS) ? " READ" : " OTHER";
        seen.push_back(what);
        p += sizeof(inotify_event) + e->len;
      }
    }
    return seen;
  }

 private:
  void add(const std::string& dir) {
    int wd = inotify_add_watch(fd_, dir.c_str(), IN_OPEN | IN_ACCESS);
    ASSERT_GE(wd, 0) << dir;
    dirs_[wd] = dir;
  }
  int fd_;
  std::map<int, std::string> dirs_;
};

class Confinement : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "hardnut-confinement-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    top_ = templ;
    root_ = top_ + "/root";
    outside_ = top_ + "/outside";
    build_canary();
    build_root();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(top_, ec);
  }

  static void write(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }
  static void link(const std::string& target, const std::string& at) {
    fs::create_directories(fs::path(at).parent_path());
    ASSERT_EQ(symlink(target.c_str(), at.c_str()), 0) << at;
  }

  // Everything outside the root that a careless resolver would reach.
  void build_canary() {
    std::string unit = std::string("[Service]\nExecStart=/bin/true\n") + kMarker + "Unit=1\n";
    for (const char* name : {"canary.service", "canary@.service", "canary.socket"})
      write(outside_ + "/" + name, unit);
    write(outside_ + "/canary.service.d/x.conf",
          std::string("[Service]\n") + kMarker + "DropIn=1\n");
    write(outside_ + "/units/canary.service", unit);
    write(outside_ + "/units/c2.service", unit);
    write(outside_ + "/policy.json", "{\"PrivateTmp\": {\"weight\": 99999}}");
  }

  // The root: real units that load, and links out in every form. The
  // relative links climb far above the root ("../" at the root stays there).
  void build_root() {
    const std::string etc = root_ + "/etc/systemd/system";
    const std::string up = "../../../../../../../../../..";  // from any depth used here
    const std::string out_rel = up + outside_;
    write(root_ + "/lib/systemd/system/good.service", "[Service]\nExecStart=/bin/true\n");
    write(etc + "/good2.service", "[Service]\nExecStart=/bin/true\n");
    write(etc + "/good3.service", "[Service]\nExecStart=/bin/true\n");
    write(etc + "/good4.service", "[Service]\nExecStart=/bin/true\n");
    // Unit files.
    link(outside_ + "/canary.service", etc + "/abs.service");
    link(out_rel + "/canary.service", etc + "/rel.service");
    link("/proc/self/root" + outside_ + "/canary.service", etc + "/magic.service");
    link(outside_ + "/canary@.service", etc + "/tmpl@.service");
    link(outside_ + "/canary.socket", etc + "/sock.socket");
    // Directories.
    link(outside_ + "/units", etc + "/absdir");
    link(out_rel + "/units", etc + "/reldir");
    link("absdir/canary.service", etc + "/viadir.service");
    link("reldir/c2.service", etc + "/viareldir.service");
    // Drop-in directories and drop-ins of units that are inside.
    link(outside_ + "/canary.service.d", etc + "/good.service.d");
    link(out_rel + "/canary.service.d", etc + "/good2.service.d");
    link(outside_ + "/canary.service.d/x.conf", etc + "/good3.service.d/abs.conf");
    link(out_rel + "/canary.service.d/x.conf", etc + "/good3.service.d/rel.conf");
    link(outside_ + "/canary.service.d", etc + "/service.d");
    link(outside_ + "/canary.service.d", root_ + "/lib/systemd/system/good4.service.d");
    // Alias chains ending outside.
    link("alias2.service", etc + "/alias1.service");
    link("alias3.service", etc + "/alias2.service");
    link(outside_ + "/canary.service", etc + "/alias3.service");
    // .wants/ links, as `systemctl enable` makes them.
    link(outside_ + "/canary.service", etc + "/multi-user.target.wants/canary.service");
    link(outside_ + "/canary@.service", etc + "/multi-user.target.wants/canary@x.service");
    link(out_rel + "/canary.service", etc + "/sockets.target.wants/wanted.service");
    // Whole search-path directories.
    link(outside_ + "/units", root_ + "/usr/lib/systemd/system");
    link(out_rel + "/units", root_ + "/run/systemd/system");
    link(outside_ + "/units", root_ + "/etc/systemd/user");
    link(outside_ + "/units", root_ + "/home/u/.config/systemd/user");
    // The policy a root may carry.
    link(outside_ + "/policy.json", root_ + "/etc/systemd/systemd-analyze-security.policy");
  }

  ProcessResult run(const std::string& program, std::vector<std::string> args) const {
    ProcessOptions po;
    po.cwd = top_;
    po.timeout_seconds = 120;
    po.env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TERM=dumb", "HOME=/home/u",
              "XDG_RUNTIME_DIR=/run/user/1000"};
    for (const auto& e : testing_support::sanitizer_env()) po.env.push_back(e);
    args.insert(args.begin(), {program, "security", "--no-pager"});
    return run_process(args, po);
  }

  ProcessResult expect_confined(const std::vector<std::string>& args) {
    SCOPED_TRACE(::testing::PrintToString(args));
    OpenWatch watch;
    if (!watch.ok()) {
      ADD_FAILURE() << "inotify_init1 failed";
      return {};
    }
    watch.watch_tree(outside_);
    ProcessResult r = run(testing_support::hardnut_binary(), args);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.signal, 0) << r.err;
    EXPECT_NE(r.exit_code, 86) << r.err;
    EXPECT_EQ(r.out.find(kMarker), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kMarker), std::string::npos) << r.err;
    std::vector<std::string> opened = watch.drain();
    EXPECT_TRUE(opened.empty()) << "hardnut opened files outside the root:\n"
                                << ::testing::PrintToString(opened);
    return r;
  }

  std::string top_, root_, outside_;
};

const std::vector<std::string> kUnitsInRoot = {
    "abs.service",    "rel.service",      "magic.service",     "tmpl@x.service",
    "sock.socket",    "viadir.service",   "viareldir.service", "good.service",
    "good2.service",  "good3.service",    "good4.service",     "alias1.service",
    "canary.service", "canary@x.service", "wanted.service",    "c2.service"};

TEST_F(Confinement, ControlsSeeAReadOfTheCanary) {
  // The detectors work: hardnut on the canary itself, outside any root.
  OpenWatch watch;
  ASSERT_TRUE(watch.ok());
  watch.watch_tree(outside_);
  ProcessResult r =
      run(testing_support::hardnut_binary(), {"--offline=yes", outside_ + "/canary.service"});
  EXPECT_NE(r.err.find(kMarker), std::string::npos) << r.err;
  EXPECT_FALSE(watch.drain().empty());
}

TEST_F(Confinement, SystemdAnalyzeFollowsAnAbsoluteSymlinkOut) {
  // What hardnut does better: systemd-analyze 252 resolves abs.service in
  // --root to the host's file.
  std::string oracle = testing_support::find_program("systemd-analyze");
  ASSERT_FALSE(oracle.empty()) << "systemd-analyze (package systemd) is the test oracle";
  OpenWatch watch;
  ASSERT_TRUE(watch.ok());
  watch.watch_tree(outside_);
  run(oracle, {"--offline=yes", "--root=" + root_, "abs.service"});
  EXPECT_FALSE(watch.drain().empty())
      << "systemd-analyze stayed inside --root: update docs/hostile-input.md";
}

TEST_F(Confinement, RootOverviewStaysInside) {
  // The units inside are scored (the run did look around), the rest not.
  ProcessResult r = expect_confined({"--offline=yes", "--root=" + root_});
  for (const char* unit : {"good.service", "good2.service", "good3.service", "good4.service"})
    EXPECT_NE(r.out.find(unit), std::string::npos) << unit << " missing from\n" << r.out;
  expect_confined({"--offline=yes", "--root=" + root_, "--user"});
  expect_confined({"--offline=yes", "--root=" + root_, "--overview", "--format=json"});
}

TEST_F(Confinement, NamedUnitsInRootStayInside) {
  for (const auto& unit : kUnitsInRoot) expect_confined({"--offline=yes", "--root=" + root_, unit});
  std::vector<std::string> all = {"--offline=yes", "--root=" + root_};
  all.insert(all.end(), kUnitsInRoot.begin(), kUnitsInRoot.end());
  expect_confined(all);
  for (const auto& unit : kUnitsInRoot)
    expect_confined({"--offline=yes", "--root=" + root_, "--user", unit});
}

TEST_F(Confinement, PolicyAndSetInRootStayInside) {
  expect_confined({"--offline=yes", "--root=" + root_, "--set", "PrivateTmp=yes", "good.service"});
  expect_confined({"--offline=yes", "--root=" + root_, "--json=short", "good3.service"});
}

TEST_F(Confinement, FolderScansStayInside) {
  ProcessResult r = expect_confined({"--offline=yes", root_});
  EXPECT_NE(r.out.find("good3.service"), std::string::npos) << r.out;
  expect_confined({"--offline=yes", root_ + "/etc/systemd/system"});
  expect_confined({"--offline=yes", root_ + "/etc", root_ + "/lib", "--format=json"});
}

}  // namespace
}  // namespace hardnut
