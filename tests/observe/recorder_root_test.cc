// The eBPF recorder against the running kernel, in real cgroups: what a
// workload in the unit's cgroup does is recorded, in the right phase; a
// sibling cgroup's identical workload is not; a cgroup created after the
// start is found; nothing stays attached after the recorder is destroyed,
// also when its process is killed. Needs root: fails, never skips, without
// it or when the kernel refuses the programs.
//
// The workload is this executable itself (`--workload ...`), exec'd by a
// child that first moves itself into the cgroup: what it does between the
// move and the exec is the set-up phase, what the exec'd program does is
// the service.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "observe/recorder.h"

#ifdef HARDNUT_HAVE_BPF
#include <bpf/bpf.h>
#endif

namespace {

constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC

// ---- the workload (runs exec'd, inside the cgroup) ----

// Waits for the go byte on `go_fd`, acts, writes 'd' (or 'e' when an
// essential step failed) to `done_fd`, then waits for `go_fd` to close.
int run_workload(int argc, char** argv) {
  if (argc < 5) return 2;
  std::string mode = argv[2];
  int go_fd = std::atoi(argv[3]);
  int done_fd = std::atoi(argv[4]);
  char byte = 0;
  if (read(go_fd, &byte, 1) != 1) return 3;
  bool ok = true;
  if (mode == "full" && argc >= 7) {
    std::string dir = argv[5];
    int port = std::atoi(argv[6]);
    if (chdir(dir.c_str()) != 0) ok = false;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in in = {};
    in.sin_family = AF_INET;
    in.sin_port = htons(static_cast<uint16_t>(port));
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, reinterpret_cast<sockaddr*>(&in), sizeof(in)) != 0) ok = false;
    if (listen(s, 1) != 0) ok = false;
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un un = {};
    un.sun_family = AF_UNIX;
    std::snprintf(un.sun_path, sizeof(un.sun_path), "/run/hardnut-test-absent-%d.sock", port);
    connect(u, reinterpret_cast<sockaddr*>(&un), sizeof(un));  // fails: the attempt counts
    int fd = open((dir + "/written").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "x", 1) != 1) ok = false;
    close(fd);
    fd = open("relative", O_WRONLY | O_CREAT | O_TRUNC, 0644);  // relative to the cwd
    if (fd < 0) ok = false;
    close(fd);
    fd = open("/etc/hostname", O_RDONLY);
    close(fd);
    mkdir("subdir", 0755);
    personality(ADDR_NO_RANDOMIZE);
    void* wx = mmap(nullptr, 4096, PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (wx != MAP_FAILED) munmap(wx, 4096);
    sched_param param = {};
    sched_setscheduler(0, SCHED_BATCH, &param);
    if (unshare(CLONE_NEWUTS) != 0) ok = false;
    if (sethostname("hardnut-workload", 16) != 0) ok = false;              // CAP_SYS_ADMIN, audited
    if (chown((dir + "/written").c_str(), 65534, 65534) != 0) ok = false;  // CAP_CHOWN
  } else if (mode == "quiet") {
    // Memory only: accounted mappings and brk make the kernel check
    // CAP_SYS_ADMIN silently, which is no use of it.
    for (int i = 0; i < 8; i++) {
      void* p = mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) continue;
      std::memset(p, 1, 1 << 20);
      munmap(p, 1 << 20);
    }
    void* brk_before = sbrk(0);
    if (sbrk(1 << 20) != reinterpret_cast<void*>(-1)) sbrk(-(1 << 20));
    (void)brk_before;
  } else {
    return 4;
  }
  syscall(SYS_sched_get_priority_max, SCHED_OTHER);  // the service's own call
  pid_t child = fork();
  if (child == 0) {
    syscall(SYS_sched_get_priority_min, SCHED_OTHER);  // and its child's
    _exit(0);
  }
  if (child < 0) ok = false;
  int status = 0;
  if (child > 0) waitpid(child, &status, 0);
  byte = ok ? 'd' : 'e';
  if (write(done_fd, &byte, 1) != 1) return 5;
  while (read(go_fd, &byte, 1) > 0) {
  }
  return ok ? 0 : 1;
}

// ---- helpers of the tests ----

std::string self_exe() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

uint64_t inode_of(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in in = {};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(in);
  int port = 0;
  if (bind(s, reinterpret_cast<sockaddr*>(&in), sizeof(in)) == 0 &&
      getsockname(s, reinterpret_cast<sockaddr*>(&in), &len) == 0)
    port = ntohs(in.sin_port);
  close(s);
  return port;
}

// A scratch cgroup tree below the unified hierarchy, removed at the end
// (its processes killed first) whatever happens.
class TestCgroups {
 public:
  TestCgroups() {
    for (const char* candidate : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
      struct statfs fs;
      if (statfs(candidate, &fs) == 0 && fs.f_type == kCgroup2Magic) {
        root_ = std::string(candidate) + "/hardnut-test-" + std::to_string(getpid());
        break;
      }
    }
    if (!root_.empty() && ::mkdir(root_.c_str(), 0755) == 0) created_.push_back(root_);
  }
  ~TestCgroups() {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) remove(*it);
  }
  bool ok() const { return !created_.empty(); }
  const std::string& root() const { return root_; }
  std::string mkdir(const std::string& relative) {
    std::string path = root_ + "/" + relative;
    if (::mkdir(path.c_str(), 0755) != 0) return "";
    created_.push_back(path);
    return path;
  }
  static void remove(const std::string& path) {
    std::ofstream(path + "/cgroup.kill") << "1\n";
    for (int i = 0; i < 100 && rmdir(path.c_str()) != 0 && errno == EBUSY; i++)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

 private:
  std::string root_;
  std::vector<std::string> created_;
};

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/hardnut-recorder-XXXXXX";
    if (mkdtemp(name)) path_ = name;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A workload child: forked, moved into `cgroup`, then (after a
// sched_rr_get_interval(2) of the set-up phase, a call neither libc nor the
// sanitizers' start-up makes; ASan's runtime calls getppid) exec'd into `--workload MODE ...`; it
// acts when go() is called.
class Workload {
 public:
  Workload(const std::string& cgroup, const std::string& mode, std::vector<std::string> extra) {
    // Close-on-exec, so that no other child holds this one's ends; the
    // child clears it on the two ends the workload keeps.
    int go[2], done[2];
    if (pipe2(go, O_CLOEXEC) != 0 || pipe2(done, O_CLOEXEC) != 0) return;
    std::string exe = self_exe();
    std::vector<std::string> args = {exe, "--workload", mode, std::to_string(go[0]),
                                     std::to_string(done[1])};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string procs = cgroup + "/cgroup.procs";
    pid_ = fork();
    if (pid_ == 0) {
      if (fcntl(go[0], F_SETFD, 0) != 0 || fcntl(done[1], F_SETFD, 0) != 0) _exit(119);
      int fd = open(procs.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, "0", 1) != 1) _exit(120);
      close(fd);
      struct timespec interval;
      syscall(SYS_sched_rr_get_interval, 0, &interval);  // the set-up phase's own call
      execv(exe.c_str(), argv.data());
      _exit(121);
    }
    close(go[0]);
    close(done[1]);
    go_fd_ = go[1];
    done_fd_ = done[0];
  }
  ~Workload() { finish(); }
  pid_t pid() const { return pid_; }
  void go() {
    char g = 'g';
    if (write(go_fd_, &g, 1) != 1) ADD_FAILURE() << "cannot start the workload";
  }
  // Whether it said it is done ('d'); polls the recorder meanwhile.
  bool wait_done(hardnut::Recorder& recorder, std::string& status) {
    for (int i = 0; i < 200; i++) {
      recorder.poll(25);
      char c = 0;
      fd_set set;
      FD_ZERO(&set);
      FD_SET(done_fd_, &set);
      timeval none = {0, 0};
      if (select(done_fd_ + 1, &set, nullptr, nullptr, &none) == 1) {
        status = read(done_fd_, &c, 1) == 1 ? std::string(1, c) : "exited early";
        return c == 'd';
      }
    }
    status = "timed out";
    return false;
  }
  // Lets it exit; its exit status.
  int finish() {
    if (go_fd_ >= 0) close(go_fd_);
    if (done_fd_ >= 0) close(done_fd_);
    go_fd_ = done_fd_ = -1;
    if (pid_ <= 0) return -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int go_fd_ = -1, done_fd_ = -1;
};

const hardnut::FileAccess* find_file(const hardnut::PhaseObservation& phase,
                                     const std::string& path) {
  for (const hardnut::FileAccess& f : phase.files)
    if (f.path == path) return &f;
  return nullptr;
}

bool any_file_under(const hardnut::RawObservation& obs, const std::string& dir) {
  for (const auto& phase : obs.phase)
    for (const hardnut::FileAccess& f : phase.files)
      if (f.path.rfind(dir, 0) == 0) return true;
  return false;
}

bool any_port(const hardnut::RawObservation& obs, int port) {
  for (const auto& phase : obs.phase)
    for (const hardnut::SocketUse& s : phase.sockets)
      if (s.port == port) return true;
  return false;
}

// Linux 6.14 added the capability tracepoint.
bool kernel_has_cap_tracepoint() {
  std::ifstream in("/proc/sys/kernel/osrelease");
  int major = 0, minor = 0;
  char dot = 0;
  in >> major >> dot >> minor;
  return major > 6 || (major == 6 && minor >= 14);
}

#ifdef HARDNUT_HAVE_BPF
const std::set<std::string> kProgramNames = {"hn_sys_enter",  "hn_sys_exit", "hn_fork",
                                             "hn_exec",       "hn_exit",     "hn_cgroup_mkdir",
                                             "hn_cap_capable"};

// The ids of the loaded programs that carry the recorder's names (or this
// one name only).
std::set<uint32_t> recorder_programs(const std::string& only = "") {
  std::set<uint32_t> ids;
  uint32_t id = 0;
  while (bpf_prog_get_next_id(id, &id) == 0) {
    int fd = bpf_prog_get_fd_by_id(id);
    if (fd < 0) continue;
    bpf_prog_info info = {};
    uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && kProgramNames.count(info.name) &&
        (only.empty() || only == info.name))
      ids.insert(id);
    close(fd);
  }
  return ids;
}

// Waits (the kernel frees programs after an RCU grace period) until none
// of `ids` is loaded; those still loaded.
std::set<uint32_t> still_loaded(const std::set<uint32_t>& ids) {
  std::set<uint32_t> left;
  for (int i = 0; i < 100; i++) {
    std::set<uint32_t> now = recorder_programs();
    left.clear();
    std::set_intersection(ids.begin(), ids.end(), now.begin(), now.end(),
                          std::inserter(left, left.begin()));
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return left;
}

std::set<uint32_t> minus(const std::set<uint32_t>& a, const std::set<uint32_t>& b) {
  std::set<uint32_t> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.begin()));
  return out;
}
#endif

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hardnut::recorder_built_in())
        << "this build has no eBPF recorder (libbpf, bpftool and clang were missing)";
    ASSERT_TRUE(cgroups_.ok()) << "cannot create a cgroup below the unified hierarchy "
                                  "(/sys/fs/cgroup or /sys/fs/cgroup/unified)";
    ASSERT_FALSE(temp_.path().empty());
  }
  hardnut::RecorderTarget target_for(const std::string& name, const std::string& path) {
    hardnut::RecorderTarget t;
    t.unit = name;
    t.cgroup_id = path.empty() ? 0 : inode_of(path);
    t.parent_cgroup_id = inode_of(cgroups_.root());
    t.cgroup_name = name;
    return t;
  }
  TestCgroups cgroups_;
  TempDir temp_;
};

// (a1) The unit's cgroup exists at the start; (b) a sibling's identical
// workload is absent; (d) audited capability checks are uses.
TEST_F(RecorderTest, RecordsTheUnitsWorkloadByPhaseAndNothingOfASibling) {
  std::string unit = cgroups_.mkdir("unit.service");
  std::string other = cgroups_.mkdir("other.service");
  ASSERT_FALSE(unit.empty());
  ASSERT_FALSE(other.empty());
  std::string unit_dir = temp_.path() + "/unit", other_dir = temp_.path() + "/other";
  ASSERT_EQ(mkdir(unit_dir.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(other_dir.c_str(), 0755), 0);
  int port = free_port(), other_port = free_port();
  ASSERT_NE(port, 0);
  ASSERT_NE(port, other_port);

  std::string error;
  auto start = std::chrono::steady_clock::now();
  auto recorder = hardnut::Recorder::start(target_for("unit.service", unit), error);
  ASSERT_NE(recorder, nullptr) << error;
  auto started = std::chrono::steady_clock::now();
  Workload mine(unit, "full", {unit_dir, std::to_string(port)});
  Workload theirs(other, "full", {other_dir, std::to_string(other_port)});
  mine.go();
  theirs.go();
  std::string status;
  EXPECT_TRUE(mine.wait_done(*recorder, status)) << "the workload: " << status;
  EXPECT_TRUE(theirs.wait_done(*recorder, status)) << "the sibling's workload: " << status;
  recorder->poll(0);
  EXPECT_EQ(mine.finish(), 0);
  EXPECT_EQ(theirs.finish(), 0);
  hardnut::RawObservation obs = recorder->finish(1.0, true);
  recorder.reset();
  std::printf("start: %.1f ms; %lu system calls, %lu tasks\n",
              std::chrono::duration<double, std::milli>(started - start).count(),
              static_cast<unsigned long>(obs.events), static_cast<unsigned long>(obs.processes));

  const hardnut::PhaseObservation& setup = obs.phase[0];
  const hardnut::PhaseObservation& service = obs.phase[1];
  EXPECT_EQ(obs.unit, "unit.service");
  EXPECT_FALSE(obs.architecture.empty());
  EXPECT_EQ(obs.lost_events, 0u);
  EXPECT_GE(obs.processes, 2u);  // the workload and its child
  EXPECT_GT(obs.events, 0u);

  // Between the move into the cgroup and the exec: the set-up.
  EXPECT_TRUE(setup.syscalls.count(SYS_sched_rr_get_interval));
  EXPECT_TRUE(setup.syscalls.count(SYS_execve));
  EXPECT_FALSE(setup.syscalls.count(SYS_sched_get_priority_max));
  EXPECT_FALSE(setup.syscalls.count(SYS_sched_get_priority_min));
  EXPECT_FALSE(service.syscalls.count(SYS_sched_rr_get_interval));
  EXPECT_TRUE(service.syscalls.count(SYS_sched_get_priority_max));
  EXPECT_TRUE(service.syscalls.count(SYS_sched_get_priority_min)) << "the service's child";
  EXPECT_TRUE(service.executables.count(self_exe()));

  EXPECT_TRUE(service.socket_families.count(AF_INET));
  EXPECT_TRUE(service.socket_families.count(AF_UNIX));
  using Op = hardnut::SocketUse::Op;
  hardnut::SocketUse bound{Op::kBind, AF_INET, SOCK_STREAM, "127.0.0.1", uint16_t(port)};
  hardnut::SocketUse listening{Op::kListen, AF_INET, SOCK_STREAM, "127.0.0.1", uint16_t(port)};
  std::string unix_path = "/run/hardnut-test-absent-" + std::to_string(port) + ".sock";
  hardnut::SocketUse connected{Op::kConnect, AF_UNIX, SOCK_STREAM, unix_path, 0};
  EXPECT_TRUE(service.sockets.count(bound));
  EXPECT_TRUE(service.sockets.count(listening));
  EXPECT_TRUE(service.sockets.count(connected));
  for (const hardnut::SocketUse& s : service.sockets)
    std::printf("socket op %d family %d type %d %s port %u\n", static_cast<int>(s.op), s.family,
                s.type, s.address.c_str(), s.port);

  const hardnut::FileAccess* written = find_file(service, unit_dir + "/written");
  ASSERT_NE(written, nullptr);
  EXPECT_TRUE(written->write);
  EXPECT_TRUE(written->resolved);
  EXPECT_FALSE(written->directory);
  const hardnut::FileAccess* relative = find_file(service, unit_dir + "/relative");
  ASSERT_NE(relative, nullptr) << "a relative path resolved against the cwd";
  EXPECT_TRUE(relative->resolved);
  EXPECT_TRUE(relative->write);
  const hardnut::FileAccess* subdir = find_file(service, unit_dir + "/subdir");
  ASSERT_NE(subdir, nullptr);
  EXPECT_TRUE(subdir->directory);
  EXPECT_TRUE(subdir->write);
  const hardnut::FileAccess* hostname = find_file(service, "/etc/hostname");
  ASSERT_NE(hostname, nullptr);
  EXPECT_FALSE(hostname->write);

  EXPECT_TRUE(service.write_execute_mapping);
  EXPECT_FALSE(setup.write_execute_mapping);
  EXPECT_EQ(service.namespace_flags & CLONE_NEWUTS, static_cast<uint64_t>(CLONE_NEWUTS));
  EXPECT_TRUE(service.personalities.count(ADDR_NO_RANDOMIZE));
  EXPECT_TRUE(service.scheduler_policies.count(SCHED_BATCH));

  EXPECT_EQ(obs.capabilities_observed, kernel_has_cap_tracepoint());
  EXPECT_EQ(obs.capabilities_observed, !obs.capabilities_method.empty());
  EXPECT_EQ(obs.capabilities_observed, obs.capabilities_missing.empty())
      << obs.capabilities_missing;
  std::printf("capabilities: %s%s\n", obs.capabilities_method.c_str(),
              obs.capabilities_missing.c_str());
  if (obs.capabilities_observed) {
    EXPECT_TRUE(service.capabilities.count(21)) << "CAP_SYS_ADMIN of sethostname(2)";
    EXPECT_TRUE(service.capabilities.count(0)) << "CAP_CHOWN of chown(2)";
    EXPECT_TRUE(service.capabilities_denied.empty());
  }

  // The sibling did all of the same: none of it is here.
  EXPECT_FALSE(any_port(obs, other_port));
  EXPECT_FALSE(any_file_under(obs, other_dir));
}

// (a2) The unit's cgroup does not exist at the start: the manager's mkdir
// of it (below the known parent, with the known name) makes it the target;
// a Delegate=-style sub-cgroup is part of it. (d) Memory accounting's
// silent CAP_SYS_ADMIN checks are not uses.
TEST_F(RecorderTest, FindsTheCgroupCreatedAfterTheStartAndItsSubCgroups) {
  std::string error;
  auto recorder = hardnut::Recorder::start(target_for("again.service", ""), error);
  ASSERT_NE(recorder, nullptr) << error;
  std::string unit = cgroups_.mkdir("again.service");
  ASSERT_FALSE(unit.empty());
  std::string payload = cgroups_.mkdir("again.service/payload");
  ASSERT_FALSE(payload.empty());
  Workload quiet(payload, "quiet", {});
  quiet.go();
  std::string status;
  EXPECT_TRUE(quiet.wait_done(*recorder, status)) << "the workload: " << status;
  EXPECT_EQ(quiet.finish(), 0);
  hardnut::RawObservation obs = recorder->finish(1.0, true);
  const hardnut::PhaseObservation& setup = obs.phase[0];
  const hardnut::PhaseObservation& service = obs.phase[1];
  EXPECT_TRUE(setup.syscalls.count(SYS_sched_rr_get_interval));
  EXPECT_TRUE(service.syscalls.count(SYS_sched_get_priority_max));
  EXPECT_TRUE(service.syscalls.count(SYS_sched_get_priority_min));
  EXPECT_TRUE(service.syscalls.count(SYS_mmap));
  EXPECT_TRUE(service.syscalls.count(SYS_brk));
  EXPECT_GE(obs.processes, 2u);
  EXPECT_EQ(obs.capabilities_observed, kernel_has_cap_tracepoint());
  for (const auto& phase : obs.phase) {
    EXPECT_FALSE(phase.capabilities.count(21)) << "a silent check counted as a use";
    for (const auto& [cap, n] : phase.capabilities) std::printf("capability %d: %lu\n", cap, n);
  }
}

// (running_tasks_are_service) Attached to a running unit, its tasks are the
// service from their first call on; here they run in a sub-cgroup only
// (Delegate=), found through the cgroup's depth that start() reads.
TEST_F(RecorderTest, RunningTasksCountAsTheService) {
  std::string unit = cgroups_.mkdir("running.service");
  ASSERT_FALSE(unit.empty());
  std::string payload = cgroups_.mkdir("running.service/payload");
  ASSERT_FALSE(payload.empty());
  Workload quiet(payload, "quiet", {});
  // The child is in the cgroup and exec'd once the workload can read its
  // go pipe; give it that moment before attaching.
  for (int i = 0; i < 100; i++) {
    std::ifstream procs(payload + "/cgroup.procs");
    std::string line;
    if (std::getline(procs, line) && !line.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  hardnut::RecorderTarget target = target_for("running.service", unit);
  target.running_tasks_are_service = true;
  std::string error;
  auto recorder = hardnut::Recorder::start(target, error);
  ASSERT_NE(recorder, nullptr) << error;
  quiet.go();
  std::string status;
  EXPECT_TRUE(quiet.wait_done(*recorder, status)) << "the workload: " << status;
  EXPECT_EQ(quiet.finish(), 0);
  hardnut::RawObservation obs = recorder->finish(1.0, false);
  EXPECT_TRUE(obs.phase[1].syscalls.count(SYS_sched_get_priority_max));
  EXPECT_TRUE(obs.phase[1].syscalls.count(SYS_sched_get_priority_min));
  EXPECT_FALSE(obs.phase[0].syscalls.count(SYS_sched_get_priority_max));
  EXPECT_FALSE(obs.covers_startup);
}

// The ways of telling silent capability checks apart where /proc/kallsyms
// hides the kernel's addresses (a container without CAP_SYSLOG,
// kptr_restrict=2), forced here, side by side with the best this host has,
// on the same run of one workload.
struct CapabilityMode {
  const char* name;
  bool calibrated, syscall_context;
  const char* method;  // the start of capabilities_method
};
const CapabilityMode kCapabilityModes[] = {
    {"best", false, false, ""},
    {"calibrated", true, false, "kernel stack (calibrated: kallsyms hidden)"},
    {"system call context", false, true, "system call context (kallsyms hidden)"},
};

class CapabilityModesTest : public RecorderTest {
 protected:
  // Runs `mode`'s workload under one recorder per capability mode.
  void run(const std::string& workload, std::vector<std::string> extra) {
    std::string unit = cgroups_.mkdir("modes.service");
    ASSERT_FALSE(unit.empty());
    std::vector<std::unique_ptr<hardnut::Recorder>> recorders;
    for (const CapabilityMode& mode : kCapabilityModes) {
      hardnut::RecorderTarget target = target_for("modes.service", unit);
      target.force_calibrated_stack_for_capabilities = mode.calibrated;
      target.force_syscall_context_for_capabilities = mode.syscall_context;
      std::string error;
      recorders.push_back(hardnut::Recorder::start(target, error));
      ASSERT_NE(recorders.back(), nullptr) << mode.name << ": " << error;
    }
    Workload w(unit, workload, std::move(extra));
    w.go();
    std::string status;
    EXPECT_TRUE(w.wait_done(*recorders[0], status)) << "the workload: " << status;
    EXPECT_EQ(w.finish(), 0);
    for (auto& recorder : recorders) observations_.push_back(recorder->finish(1.0, true));
    recorders.clear();
    for (size_t i = 0; i < observations_.size(); i++) {
      const hardnut::RawObservation& obs = observations_[i];
      std::printf("%s: %s%s\n", kCapabilityModes[i].name, obs.capabilities_method.c_str(),
                  obs.capabilities_missing.c_str());
      for (int p = 0; p < hardnut::kPhaseCount; p++)
        for (const auto& [cap, n] : obs.phase[p].capabilities)
          std::printf("  phase %d capability %d: %lu\n", p, cap, static_cast<unsigned long>(n));
    }
  }
  std::vector<hardnut::RawObservation> observations_;
};

// Audited uses (sethostname(2) in a new UTS namespace, chown(2)) count in
// every mode, and calibration finds exactly what kallsyms' ranges find.
TEST_F(CapabilityModesTest, AuditedUsesCountInEveryMode) {
  if (!kernel_has_cap_tracepoint()) GTEST_SKIP() << "no capability tracepoint (Linux 6.14+)";
  std::string dir = temp_.path() + "/modes";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  int port = free_port();
  ASSERT_NE(port, 0);
  run("full", {dir, std::to_string(port)});
  ASSERT_EQ(observations_.size(), std::size(kCapabilityModes));
  const hardnut::RawObservation& best = observations_[0];
  for (size_t i = 0; i < observations_.size(); i++) {
    const hardnut::RawObservation& obs = observations_[i];
    const CapabilityMode& mode = kCapabilityModes[i];
    ASSERT_TRUE(obs.capabilities_observed) << mode.name << ": " << obs.capabilities_missing;
    EXPECT_EQ(obs.capabilities_method.rfind(mode.method, 0), 0u)
        << mode.name << ": " << obs.capabilities_method;
    const hardnut::PhaseObservation& service = obs.phase[1];
    EXPECT_TRUE(service.capabilities.count(21)) << mode.name << ": CAP_SYS_ADMIN of sethostname";
    EXPECT_TRUE(service.capabilities.count(0)) << mode.name << ": CAP_CHOWN of chown(2)";
    EXPECT_TRUE(service.capabilities_denied.empty()) << mode.name;
    // The same checks, counted alike (the system call context mode keeps
    // silent checks of other capabilities, which this workload lacks).
    for (int p = 0; p < hardnut::kPhaseCount; p++) {
      if (mode.calibrated) {
        EXPECT_EQ(obs.phase[p].capabilities, best.phase[p].capabilities) << mode.name;
      }
      std::set<int> caps, best_caps;
      for (const auto& [cap, n] : obs.phase[p].capabilities) caps.insert(cap);
      for (const auto& [cap, n] : best.phase[p].capabilities) best_caps.insert(cap);
      EXPECT_EQ(caps, best_caps) << mode.name << ", phase " << p;
    }
  }
  // Calibration found every kind here.
  EXPECT_EQ(observations_[1].capabilities_method, kCapabilityModes[1].method);
}

// Memory only (mmap, brk, fork, exec, a growing stack): no CAP_SYS_ADMIN in
// any mode.
TEST_F(CapabilityModesTest, MemoryAccountingIsNoUseInAnyMode) {
  if (!kernel_has_cap_tracepoint()) GTEST_SKIP() << "no capability tracepoint (Linux 6.14+)";
  run("quiet", {});
  ASSERT_EQ(observations_.size(), std::size(kCapabilityModes));
  for (size_t i = 0; i < observations_.size(); i++) {
    const hardnut::RawObservation& obs = observations_[i];
    const CapabilityMode& mode = kCapabilityModes[i];
    ASSERT_TRUE(obs.capabilities_observed) << mode.name << ": " << obs.capabilities_missing;
    EXPECT_EQ(obs.capabilities_method.rfind(mode.method, 0), 0u)
        << mode.name << ": " << obs.capabilities_method;
    EXPECT_TRUE(obs.phase[1].syscalls.count(SYS_mmap)) << mode.name;
    EXPECT_TRUE(obs.phase[1].syscalls.count(SYS_brk)) << mode.name;
    for (int p = 0; p < hardnut::kPhaseCount; p++) {
      EXPECT_FALSE(obs.phase[p].capabilities.count(21))
          << mode.name << ", phase " << p << ": a silent check counted as a use";
      EXPECT_EQ(obs.phase[p].capabilities, observations_[0].phase[p].capabilities) << mode.name;
    }
  }
}

#ifdef HARDNUT_HAVE_BPF
// hn_sys_exit (a hit per system call on the whole host) is loaded only for
// the system call context mode, and leaves with the recorder.
TEST_F(RecorderTest, TheSystemCallExitProgramOnlyForItsMode) {
  if (!kernel_has_cap_tracepoint()) GTEST_SKIP() << "no capability tracepoint (Linux 6.14+)";
  std::string unit = cgroups_.mkdir("exit.service");
  ASSERT_FALSE(unit.empty());
  std::set<uint32_t> before = recorder_programs("hn_sys_exit");
  std::string error;
  hardnut::RecorderTarget target = target_for("exit.service", unit);
  target.force_calibrated_stack_for_capabilities = true;
  auto recorder = hardnut::Recorder::start(target, error);
  ASSERT_NE(recorder, nullptr) << error;
  std::set<uint32_t> exits = minus(recorder_programs("hn_sys_exit"), before);
  // Loaded, in case calibration fails, but not attached.
  EXPECT_LE(exits.size(), 1u);
  recorder.reset();
  EXPECT_TRUE(still_loaded(exits).empty());

  target.force_calibrated_stack_for_capabilities = false;
  target.force_syscall_context_for_capabilities = true;
  recorder = hardnut::Recorder::start(target, error);
  ASSERT_NE(recorder, nullptr) << error;
  exits = minus(recorder_programs("hn_sys_exit"), before);
  EXPECT_EQ(exits.size(), 1u);
  recorder.reset();
  EXPECT_TRUE(still_loaded(exits).empty()) << "hn_sys_exit left loaded";

  if (!std::ifstream("/proc/kallsyms")) return;
  recorder = hardnut::Recorder::start(target_for("exit.service", unit), error);
  ASSERT_NE(recorder, nullptr) << error;
  hardnut::RawObservation obs = recorder->finish(0, true);
  if (obs.capabilities_method == "kernel stack") {
    EXPECT_TRUE(minus(recorder_programs("hn_sys_exit"), before).empty())
        << "hn_sys_exit loaded although kallsyms shows the addresses";
  }
}

// (c) Destroying the recorder detaches and unloads every program.
TEST_F(RecorderTest, NothingStaysLoadedAfterTheRecorder) {
  std::string unit = cgroups_.mkdir("detach.service");
  ASSERT_FALSE(unit.empty());
  std::set<uint32_t> before = recorder_programs();
  std::string error;
  auto recorder = hardnut::Recorder::start(target_for("detach.service", unit), error);
  ASSERT_NE(recorder, nullptr) << error;
  std::set<uint32_t> ours = minus(recorder_programs(), before);
  EXPECT_GE(ours.size(), 5u) << "the recorder's programs are not listed while it runs";
  recorder.reset();  // without finish()
  EXPECT_TRUE(still_loaded(ours).empty()) << "programs left loaded after the destructor";

  recorder = hardnut::Recorder::start(target_for("detach.service", unit), error);
  ASSERT_NE(recorder, nullptr) << error;
  ours = minus(recorder_programs(), before);
  recorder->finish(0, true);
  EXPECT_TRUE(still_loaded(ours).empty()) << "programs left loaded after finish()";
  recorder.reset();
}

// (c) A process killed while recording (Ctrl-C, SIGTERM) leaves nothing
// loaded: the kernel drops the programs with the last descriptor.
TEST_F(RecorderTest, NothingStaysLoadedAfterAKilledRecorder) {
  std::string unit = cgroups_.mkdir("killed.service");
  ASSERT_FALSE(unit.empty());
  for (int sig : {SIGINT, SIGTERM}) {
    std::set<uint32_t> before = recorder_programs();
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    hardnut::RecorderTarget target = target_for("killed.service", unit);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      signal(SIGINT, SIG_DFL);
      signal(SIGTERM, SIG_DFL);
      close(ready[0]);
      std::string error;
      auto recorder = hardnut::Recorder::start(target, error);
      char c = recorder ? 'r' : 'e';
      if (write(ready[1], &c, 1) != 1 || !recorder) _exit(2);
      for (;;) recorder->poll(1000);
    }
    close(ready[1]);
    char c = 0;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    close(ready[0]);
    ASSERT_EQ(c, 'r') << "the child could not start a recorder";
    std::set<uint32_t> ours = minus(recorder_programs(), before);
    EXPECT_GE(ours.size(), 5u);
    kill(child, sig);
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig);
    EXPECT_TRUE(still_loaded(ours).empty()) << "programs left loaded after signal " << sig;
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--workload") == 0) return run_workload(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (geteuid() != 0) {
    std::fprintf(stderr,
                 "observe_recorder_test needs root: it loads BPF programs and creates cgroups\n");
    return 1;
  }
  return RUN_ALL_TESTS();
}
