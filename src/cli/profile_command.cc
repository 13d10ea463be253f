#include "cli/profile_command.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "base/atomic_file.h"
#include "base/subprocess.h"
#include "observe/profile.h"
#include "observe/recorder.h"
#include "observe/unit_cgroup.h"

namespace hardnut {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kDefaultSeconds = 30;
constexpr double kSystemctlTimeout = 300;

bool stop_requested(const ProfileOptions& o) { return o.interrupted && *o.interrupted; }

// What the manager says about the unit.
struct UnitInfo {
  std::map<std::string, std::string> props;
  std::string get(const std::string& k) const {
    auto it = props.find(k);
    return it == props.end() ? "" : it->second;
  }
};

bool read_unit(const ProfileOptions& o, const std::string& unit, UnitInfo& info,
               std::string& error) {
  ProcessResult r = run_process({o.systemctl, "show",
                                 "--property=Id,LoadState,ActiveState,"
                                 "ControlGroup,Slice,WorkingDirectory,Type",
                                 "--", unit},
                                kSystemctlTimeout);
  if (!r.success()) {
    error = "hardnut: systemctl show " + unit + " failed: " + tail_lines(r.output, 3);
    return false;
  }
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);)
    if (auto eq = line.find('='); eq != std::string::npos)
      info.props[line.substr(0, eq)] = line.substr(eq + 1);
  if (info.get("LoadState") != "loaded") {
    error = "hardnut: Unit " + unit + " not found.";
    if (!info.get("LoadState").empty() && info.get("LoadState") != "not-found")
      error = "hardnut: Unit " + info.get("Id") + " is " + info.get("LoadState") + ".";
    return false;
  }
  return true;
}

bool systemctl(const ProfileOptions& o, const std::vector<std::string>& args, std::string& error) {
  std::vector<std::string> argv = {o.systemctl};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, kSystemctlTimeout);
  if (r.success()) return true;
  error = "systemctl " + args.front() + " failed: " + tail_lines(r.output, 5);
  return false;
}

// A workload in its own process group, so that an interrupt stops all of it.
class Workload {
 public:
  explicit Workload(const std::string& command) {
    if (command.empty()) return;
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid_ > 0) setpgid(pid_, pid_);
  }
  ~Workload() {
    if (running()) {
      kill(-pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }
  // Reaps it when it has ended; true while it runs.
  bool running() {
    if (pid_ <= 0 || done_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      done_ = true;
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return !done_;
  }
  int status() const { return status_; }

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  int status_ = -1;
};

struct Observation {
  RawObservation raw;
  bool ok = false;
  bool interrupted = false;
};

// Attaches, (re)starts the unit unless told not to, and records until
// `until` says stop, or a signal does: an interruption, or with
// `signal_ends` the normal end (`profile stop`). The recorder is detached
// before this returns.
template <typename Until>
Observation observe(const ProfileOptions& o, const UnitInfo& unit, std::ostream& err,
                    std::string& error, Until until, const std::function<void()>& attached,
                    bool signal_ends = false) {
  Observation result;
  std::string root = unified_cgroup_root();
  if (root.empty()) {
    error =
        "hardnut: no cgroup2 (unified) hierarchy is mounted at /sys/fs/cgroup or "
        "/sys/fs/cgroup/unified; the recorder follows a unit by its cgroup there";
    return result;
  }
  std::string path = unit.get("ControlGroup");
  if (path.empty()) path = unit_cgroup_path(unit.get("Slice"), unit.get("Id"));
  UnitCgroup cgroup = find_unit_cgroup(root, path);
  bool running = unit.get("ActiveState") == "active" || unit.get("ActiveState") == "reloading";
  if (o.no_restart && (!running || !cgroup.id)) {
    error = "hardnut: " + unit.get("Id") +
            " is not running; --no-restart observes running processes only";
    return result;
  }
  if (!cgroup.parent_id) {
    error = "hardnut: the cgroup of " + unit.get("Id") + "'s slice (" + root + path +
            "/..) does not exist";
    return result;
  }
  RecorderTarget target;
  target.unit = unit.get("Id");
  target.cgroup_id = cgroup.id;
  target.parent_cgroup_id = cgroup.parent_id;
  target.cgroup_name = cgroup.name;
  target.running_tasks_are_service = o.no_restart;
  std::string wd = unit.get("WorkingDirectory");
  target.working_directory = wd.empty() || wd[0] != '/' ? "/" : wd;
  auto recorder = Recorder::start(target, error);
  if (!recorder) {
    error = "hardnut: cannot observe " + target.unit + ": " + error;
    return result;
  }
  auto started = Clock::now();
  if (!o.no_restart) {
    err << "hardnut: restarting " << target.unit << " with the recorder attached\n";
    if (!systemctl(o, {"restart", "--", target.unit}, error)) {
      error = "hardnut: " + error;
      return result;
    }
  }
  attached();
  Workload workload(o.workload);
  if (!o.workload.empty() && !workload.started()) {
    error = "hardnut: cannot start the workload";
    return result;
  }
  double seconds = o.duration >= 0 ? o.duration : o.workload.empty() ? kDefaultSeconds : 0;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  while (true) {
    recorder->poll(100);
    if (stop_requested(o)) {
      if (signal_ends) break;
      result.interrupted = true;
      return result;
    }
    bool working = workload.running();
    if (!until(elapsed(), seconds, working)) break;
  }
  if (!o.workload.empty())
    err << "hardnut: the workload exited with status " << workload.status() << "\n";
  result.raw = recorder->finish(elapsed(), !o.no_restart);
  result.ok = true;
  return result;
}

int write_profile(const Profile& p, const std::string& output, std::ostream& out,
                  std::ostream& err) {
  std::string json = profile_to_json(p);
  if (output.empty() || output == "-") {
    out << json;
    return 0;
  }
  std::string error;
  if (write_file_atomically(output, json, 0644, error) != 0) {
    err << "hardnut: " << error << "\n";
    return 1;
  }
  err << "hardnut: wrote " << output << "\n";
  return 0;
}

void report_coverage(const Profile& p, std::ostream& err) {
  for (const auto& note : coverage_notes(p)) err << "hardnut: " << note << "\n";
}

Profile finish_profile(const Observation& obs, const ProfileOptions& o) {
  Profile p = profile_from(obs.raw);
  if (!o.workload.empty()) p.workloads.push_back(o.workload);
  return p;
}

std::string pid_file(const ProfileOptions& o, const std::string& unit) {
  return o.state_dir + "/profile-" + unit + ".pid";
}

int run_merge(const ProfileOptions& o, std::ostream& out, std::ostream& err) {
  if (o.args.size() < 2) {
    err << "hardnut: --merge needs two profiles or more\n";
    return 1;
  }
  std::optional<Profile> merged;
  for (const auto& path : o.args) {
    std::string error;
    auto p = read_profile_file(path, error);
    if (p && merged) {
      p = merge_profiles(*merged, *p, error);
      if (!p) error = path + ": " + error;
    }
    if (!p) {
      err << "hardnut: " << error << "\n";
      return 1;
    }
    merged = std::move(p);
  }
  report_coverage(*merged, err);
  return write_profile(*merged, o.output, out, err);
}

// The options as a validated unit name, or an error.
bool one_unit(const std::vector<std::string>& args, size_t at, std::string& unit,
              std::ostream& err) {
  if (args.size() != at + 1) {
    err << "hardnut: profile " << (at ? args[0] + " " : std::string()) << "takes one unit\n";
    return false;
  }
  unit = args[at];
  return true;
}

int run_observe(const ProfileOptions& o, const std::string& name, std::ostream& out,
                std::ostream& err) {
  std::string error;
  UnitInfo unit;
  if (!read_unit(o, name, unit, error)) {
    err << error << "\n";
    return 1;
  }
  auto until = [](double elapsed, double seconds, bool working) {
    return working || elapsed < seconds;
  };
  Observation obs = observe(o, unit, err, error, until, [&] {
    err << "hardnut: observing " << unit.get("Id")
        << (o.workload.empty() ? "" : " while the workload runs") << "\n";
  });
  if (obs.interrupted) {
    err << "hardnut: interrupted; nothing written, the recorder is detached\n";
    return 130;
  }
  if (!obs.ok) {
    err << error << "\n";
    return 1;
  }
  Profile p = finish_profile(obs, o);
  report_coverage(p, err);
  return write_profile(p, o.output, out, err);
}

// `profile start`: a recorder in a background process until `profile stop`.
int run_start(ProfileOptions o, const std::string& name, std::ostream& err) {
  std::string error;
  UnitInfo unit;
  if (!read_unit(o, name, unit, error)) {
    err << error << "\n";
    return 1;
  }
  std::string id = unit.get("Id");
  namespace fs = std::filesystem;
  if (o.output.empty()) o.output = id + ".profile.json";
  o.output = fs::absolute(o.output).string();
  std::error_code ec;
  fs::create_directories(o.state_dir, ec);
  std::string pids = pid_file(o, id);
  int fd = open(pids.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    err << "hardnut: a recorder for " << id << " is running already (" << pids
        << "); stop it with `hardnut profile stop " << id << "`\n";
    return 1;
  }
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    err << "hardnut: pipe: " << strerror(errno) << "\n";
    close(fd);
    unlink(pids.c_str());
    return 1;
  }
  pid_t child = fork();
  if (child < 0) {
    err << "hardnut: fork: " << strerror(errno) << "\n";
    return 1;
  }
  if (child == 0) {
    close(report[0]);
    setsid();
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    std::string line = std::to_string(getpid()) + "\n" + o.output + "\n";
    (void)!write(fd, line.data(), line.size());
    close(fd);
    std::ostringstream log;
    auto until = [](double, double, bool) { return true; };  // until SIGTERM
    bool told = false;
    auto tell = [&](const std::string& what) {
      if (told) return;
      told = true;
      (void)!write(report[1], what.data(), what.size());
      close(report[1]);
    };
    Observation obs = observe(
        o, unit, log, error, until, [&] { tell("ok\n"); }, true);
    int status = 1;
    if (!told)
      tell(error + "\n");
    else if (obs.ok)
      status = write_profile(finish_profile(obs, o), o.output, log, log);
    unlink(pids.c_str());
    _exit(status);
  }
  close(fd);
  close(report[1]);
  std::string answer;
  char buf[512];
  for (ssize_t n; (n = read(report[0], buf, sizeof buf)) > 0;) answer.append(buf, n);
  close(report[0]);
  if (answer != "ok\n") {
    waitpid(child, nullptr, 0);
    unlink(pids.c_str());
    err << (answer.empty() ? "hardnut: the recorder process failed\n" : answer);
    return 1;
  }
  err << "hardnut: observing " << id << " in the background (pid " << child
      << "); `hardnut profile stop " << id << "` writes " << o.output << "\n";
  return 0;
}

int run_stop(const ProfileOptions& o, const std::string& name, std::ostream& err) {
  std::string id = name;
  UnitInfo unit;
  std::string error;
  if (read_unit(o, name, unit, error)) id = unit.get("Id");
  std::string pids = pid_file(o, id);
  std::ifstream in(pids);
  long pid = 0;
  std::string output;
  if (!(in >> pid) || pid <= 1) {
    err << "hardnut: no recorder of " << id << " is running (" << pids << ")\n";
    return 1;
  }
  in >> output;
  // The pid must still be a hardnut: a stale file must not kill another process.
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmd((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  if (cmd.find("hardnut") == std::string::npos || cmd.find("profile") == std::string::npos) {
    unlink(pids.c_str());
    err << "hardnut: the recorder of " << id << " is gone (stale " << pids << " removed)\n";
    return 1;
  }
  kill(static_cast<pid_t>(pid), SIGTERM);
  for (int i = 0; i < 600 && access(pids.c_str(), F_OK) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (access(pids.c_str(), F_OK) == 0) {
    err << "hardnut: the recorder of " << id << " (pid " << pid << ") did not stop\n";
    return 1;
  }
  if (access(output.c_str(), F_OK) != 0) {
    err << "hardnut: the recorder of " << id << " stopped without writing " << output << "\n";
    return 1;
  }
  err << "hardnut: wrote " << output << "\n";
  return 0;
}

}  // namespace

int run_profile(const ProfileOptions& o, std::ostream& out, std::ostream& err) {
  if (o.merge) return run_merge(o, out, err);
  if (o.args.empty()) {
    err << "hardnut: profile needs a unit (or start UNIT, stop UNIT, --merge A B)\n";
    return 1;
  }
  if (o.duration < -1 || (o.duration >= 0 && o.duration > 1e7)) {
    err << "hardnut: --duration must be 0..10000000 seconds\n";
    return 1;
  }
  std::string unit;
  if (o.args[0] == "start" || o.args[0] == "stop") {
    if (!one_unit(o.args, 1, unit, err)) return 1;
    if (!o.workload.empty() || o.duration >= 0) {
      err << "hardnut: --workload and --duration are for `hardnut profile UNIT`; `profile "
          << o.args[0] << "` observes until `profile stop`\n";
      return 1;
    }
    return o.args[0] == "start" ? run_start(o, unit, err) : run_stop(o, unit, err);
  }
  if (!one_unit(o.args, 0, unit, err)) return 1;
  return run_observe(o, unit, out, err);
}

}  // namespace hardnut
