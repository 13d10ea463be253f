#include "harden/verify.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "base/subprocess.h"

namespace hardnut {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

// What a sandbox denial looks like in a service's log or in what systemd
// says about it. Case-sensitive: these are the C library's and systemd's
// exact words.
constexpr const char* kDenialPatterns[] = {
    "status=31/SYS",            // killed by seccomp (SystemCallFilter= without an errno)
    "Bad system call",          // the same, as a shell reports it
    "Operation not permitted",  // EPERM: a filtered call, a dropped capability
    "Permission denied",        // EACCES: an inaccessible path, a denied device
    "Read-only file system",    // EROFS: ProtectSystem=, ReadOnlyPaths=
    "Failed at step",           // systemd could not set the sandbox up
    "EPERM",
    "EACCES",
    "EROFS",
};

std::vector<std::string> split_lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string::npos) j = text.size();
    out.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

class Verification {
 public:
  Verification(const VerifyOptions& o, const ServiceBaseline& b, std::ostream& log)
      : o_(o), baseline_(b), log_(log) {}

  VerifyReport run() {
    bool started = step("restart", [&] { return reload_and_restart(); }) &&
                   std::all_of(o_.checks.begin(), o_.checks.end(), [&](const std::string& c) {
                     return step("check", [&] { return check(c); });
                   });
    if (started && !o_.quick && step("second-restart", [&] { return restart_and_check(); }) &&
        step("reload", [&] { return reload(); }) && step("soak", [&] { return soak(); }) &&
        step("footprint", [&] { return footprint(); }))
      step("journal", [&] { return journal(); });
    report_.ok = !report_.interrupted &&
                 std::none_of(report_.steps.begin(), report_.steps.end(),
                              [](const VerifyStep& s) { return s.status == VerifyStep::kFailed; });
    if (!report_.ok && !report_.interrupted && !report_.steps.empty()) {
      const VerifyStep& last = report_.steps.back();
      report_.failure = last.name + ": " + last.detail;
      std::string tail = journal_tail();
      if (!tail.empty()) report_.failure += "\nlast log lines of " + o_.unit + ":\n" + tail;
    }
    return report_;
  }

 private:
  struct Outcome {
    VerifyStep::Status status;
    std::string detail;
  };
  static Outcome ok(std::string d) { return {VerifyStep::kOk, std::move(d)}; }
  static Outcome failed(std::string d) { return {VerifyStep::kFailed, std::move(d)}; }
  static Outcome skipped(std::string d) { return {VerifyStep::kSkipped, std::move(d)}; }

  template <typename F>
  bool step(const char* name, F&& body) {
    if (interrupted()) return false;
    Outcome r = body();
    if (interrupted()) {
      report_.interrupted = true;
      return false;
    }
    report_.steps.push_back({name, r.status, r.detail});
    static const char* words[] = {"ok", "FAILED", "skipped"};
    // One line each; the whole detail is in the report.
    std::string first = r.detail.substr(0, r.detail.find('\n'));
    if (first.size() < r.detail.size()) first += " [...]";
    log_ << "hardnut: verify: " << words[r.status] << " " << name << ": " << first << "\n";
    return r.status != VerifyStep::kFailed;
  }

  bool interrupted() const { return o_.interrupted && o_.interrupted->load(); }

  // "" when it worked, else what failed.
  std::string systemctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {o_.systemctl};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = run_process(argv, 120);
    if (r.success()) return "";
    std::string cmd = "systemctl";
    for (const auto& a : args) cmd += " " + a;
    return cmd + " failed" + (r.timed_out ? " (timed out)" : "") + ": " + tail_lines(r.output, 5);
  }

  std::map<std::string, std::string> show() {
    std::map<std::string, std::string> props;
    ProcessResult r = run_process({o_.systemctl, "show", "-p", "ActiveState", "-p", "SubState",
                                   "-p", "Result", "-p", "NRestarts", "-p", "Type", "-p",
                                   "ExecReload", "-p", "ControlGroup", "-p", "MainPID", o_.unit},
                                  30);
    for (const auto& line : split_lines_of(r.output)) {
      size_t eq = line.find('=');
      if (eq != std::string::npos) props[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return props;
  }

  bool oneshot() { return show()["Type"] == "oneshot"; }

  // Watches the unit for `seconds`: it must not fail, stop (unless it is a
  // oneshot that finished) or be restarted by the manager (a crash loop
  // under Restart=). "" when it held.
  std::string watch(double seconds, const char* after) {
    auto start = show();
    auto until = Clock::now() + ms(seconds);
    auto now = start;
    for (;;) {
      now = show();
      const std::string& state = now["ActiveState"];
      if (state == "failed" || (state == "inactive" && now["Type"] != "oneshot"))
        return o_.unit + " is " + state + " (" + now["SubState"] + ", result " + now["Result"] +
               ") " + after;
      if (now["NRestarts"] != start["NRestarts"])
        return o_.unit + " crashed and was restarted by the manager (NRestarts " +
               start["NRestarts"] + " -> " + now["NRestarts"] + ") " + after;
      if (interrupted() || Clock::now() >= until) break;
      std::this_thread::sleep_for(ms(o_.poll_seconds));
    }
    bool oneshot_done =
        now["Type"] == "oneshot" && now["ActiveState"] == "inactive" && now["Result"] == "success";
    if (now["ActiveState"] != "active" && !oneshot_done)
      return o_.unit + " is " + now["ActiveState"] + " (" + now["SubState"] + ") " + after;
    last_state_ = now["ActiveState"] + " (" + now["SubState"] + ")";
    return "";
  }

  std::string restart() {
    systemctl({"reset-failed", o_.unit});  // earlier failures must not hit the start limit
    if (auto e = systemctl({"restart", o_.unit}); !e.empty()) return e;
    return watch(o_.settle_seconds,
                 ("within " + seconds_text(o_.settle_seconds) + " of the restart").c_str());
  }

  Outcome reload_and_restart() {
    if (auto e = systemctl({"daemon-reload"}); !e.empty()) return failed(e);
    if (auto e = restart(); !e.empty()) return failed(e);
    return ok(last_state_ + " for " + seconds_text(o_.settle_seconds) + " after the restart");
  }

  // A check, retried while the service may still be starting up.
 public:
  Outcome check(const std::string& command) {
    auto until = Clock::now() + ms(o_.check_timeout_seconds);
    ProcessResult r;
    int attempts = 0;
    for (;;) {
      ++attempts;
      r = run_process({o_.shell, "-c", command}, std::max(1.0, o_.check_timeout_seconds));
      if (r.success())
        return ok(command + (attempts > 1 ? " (" + std::to_string(attempts) + " attempts)" : ""));
      if (Clock::now() >= until || interrupted()) break;
      std::this_thread::sleep_for(ms(std::max(o_.poll_seconds, 0.5)));
    }
    return failed(
        "--check failed after " + std::to_string(attempts) + " attempts (" +
        (r.timed_out ? std::string("timed out") : "exit status " + std::to_string(r.exit_status)) +
        "): " + command + (r.output.empty() ? "" : "\n" + tail_lines(r.output, 10)));
  }

  // Every check once more; "" or the first failure.
  std::string checks_again(const char* when) {
    for (const auto& c : o_.checks) {
      Outcome r = check(c);
      if (r.status == VerifyStep::kFailed) return r.detail + " (" + when + ")";
    }
    return "";
  }

  std::string checks_note() const {
    return o_.checks.empty() ? "" : ", " + std::to_string(o_.checks.size()) + " check(s) pass";
  }

  Outcome restart_and_check() {
    if (auto e = restart(); !e.empty()) return failed(e);
    if (auto e = checks_again("after the second restart"); !e.empty()) return failed(e);
    return ok(last_state_ + checks_note());
  }

  Outcome reload() {
    auto props = show();
    if (props["ExecReload"].empty()) return skipped("the unit has no ExecReload=");
    if (!baseline_.reload_broken.empty())
      return skipped("systemctl reload broke it before any change too: " + baseline_.reload_broken);
    if (auto e = systemctl({"reload", o_.unit}); !e.empty()) return failed(e);
    if (auto e = watch(o_.settle_seconds, "after the reload"); !e.empty()) return failed(e);
    if (auto e = checks_again("after the reload"); !e.empty()) return failed(e);
    return ok("systemctl reload: " + last_state_ + checks_note());
  }

  Outcome soak() {
    if (oneshot()) return skipped("a oneshot service has nothing to keep running");
    std::string after = "during the " + seconds_text(o_.soak_seconds) + " soak";
    if (auto e = watch(o_.soak_seconds, after.c_str()); !e.empty()) return failed(e);
    if (auto e = checks_again("at the end of the soak"); !e.empty()) return failed(e);
    return ok("up for " + seconds_text(o_.soak_seconds) + ", never restarted" + checks_note());
  }

  Outcome footprint() {
    if (!baseline_.footprint.taken) return skipped("the unit was not running before the change");
    if (oneshot()) return skipped("a oneshot service has nothing to keep running");
    auto props = show();
    Footprint now = footprint_of(cgroup_pids(props["ControlGroup"]), 1, "/proc", kScratchPaths,
                                 main_pid(props));
    if (!now.taken) return failed("no process of " + o_.unit + " could be read");
    auto lost = lost_footprint(baseline_.footprint, now);
    if (lost.empty())
      return ok("listens on " + std::to_string(now.listens.size()) + " socket(s), writes " +
                std::to_string(now.writes.size()) + " file(s), as before the change");
    std::string detail = "it no longer does what it did before the change: ";
    for (size_t i = 0; i < lost.size(); ++i) detail += (i ? "; " : "") + lost[i];
    return failed(detail);
  }

 public:
  Footprint current_footprint() {
    auto props = show();
    if (props["ActiveState"] != "active") return {};
    return footprint_of(cgroup_pids(props["ControlGroup"]), 1, "/proc", kScratchPaths,
                        main_pid(props));
  }

  // "" when the unit survives a reload as it is; else what happened, and
  // the unit is started again.
  std::string reload_as_it_is() {
    auto props = show();
    if (props["ExecReload"].empty() || props["ActiveState"] != "active") return "";
    std::string e = systemctl({"reload", o_.unit});
    if (e.empty()) e = watch(o_.settle_seconds, "after the reload");
    if (!e.empty()) {
      systemctl({"reset-failed", o_.unit});
      systemctl({"start", o_.unit});
    }
    return e;
  }

  static int main_pid(std::map<std::string, std::string>& props) {
    try {
      return std::stoi(props["MainPID"]);
    } catch (...) {
      return 0;
    }
  }

 private:
  Outcome journal() {
    ProcessResult r =
        run_process({o_.journalctl, "-u", o_.unit, "--since",
                     "@" + std::to_string(baseline_.since_epoch), "-o", "cat", "--no-pager", "-q"},
                    30);
    if (!r.started) return failed("journalctl could not be run: " + tail_lines(r.output, 3));
    std::vector<std::string> fresh;
    for (const auto& line : split_lines_of(r.output))
      for (const auto& d : denial_lines(line))
        if (!baseline_.denials.count(d) &&
            std::find(fresh.begin(), fresh.end(), line) == fresh.end())
          fresh.push_back(line);
    size_t lines = std::count(r.output.begin(), r.output.end(), '\n');
    if (fresh.empty())
      return ok("no new denial in " + std::to_string(lines) + " line(s) since the change");
    std::string detail = std::to_string(fresh.size()) + " new denial line(s) since the change:";
    for (size_t i = 0; i < fresh.size() && i < 10; ++i) detail += "\n  " + fresh[i];
    return failed(detail);
  }

  std::string journal_tail() {
    ProcessResult r =
        run_process({o_.journalctl, "-u", o_.unit, "-n", "8", "--no-pager", "-o", "cat"}, 30);
    return r.started && !r.output.empty() ? tail_lines(r.output, 8) : "";
  }

  const VerifyOptions& o_;
  const ServiceBaseline& baseline_;
  std::ostream& log_;
  VerifyReport report_;
  std::string last_state_;
};

}  // namespace

std::string normalize_journal_line(const std::string& line) {
  static const std::regex numbers("0x[0-9a-fA-F]+|[0-9]+");
  std::string s = std::regex_replace(line, numbers, "N");
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> denial_lines(const std::string& journal) {
  std::vector<std::string> out;
  for (const auto& line : split_lines_of(journal))
    for (const char* p : kDenialPatterns)
      if (line.find(p) != std::string::npos) {
        out.push_back(normalize_journal_line(line));
        break;
      }
  return out;
}

ServiceBaseline service_baseline(const VerifyOptions& o) {
  ServiceBaseline b;
  {
    std::ostringstream quiet;
    ServiceBaseline none;
    Verification v(o, none, quiet);
    b.reload_broken = v.reload_as_it_is();
    b.footprint = v.current_footprint();
  }
  b.since_epoch = static_cast<long long>(std::time(nullptr));
  ProcessResult r =
      run_process({o.journalctl, "-u", o.unit, "-n", "5000", "-o", "cat", "--no-pager", "-q"}, 60);
  for (auto& d : denial_lines(r.output)) b.denials.insert(std::move(d));
  return b;
}

ServiceBaseline starting_now(ServiceBaseline b) {
  auto now = std::chrono::system_clock::now();
  auto next = std::chrono::ceil<std::chrono::seconds>(now + std::chrono::milliseconds(1));
  std::this_thread::sleep_until(next);
  b.since_epoch = std::chrono::duration_cast<std::chrono::seconds>(next.time_since_epoch()).count();
  return b;
}

std::string failing_check(const VerifyOptions& options) {
  std::ostringstream quiet;
  Verification v(options, ServiceBaseline{}, quiet);
  for (const auto& c : options.checks) {
    auto r = v.check(c);
    if (r.status == VerifyStep::kFailed) return r.detail;
  }
  return "";
}

VerifyReport verify_service(const VerifyOptions& options, const ServiceBaseline& baseline,
                            std::ostream& log) {
  return Verification(options, baseline, log).run();
}

std::string render_report(const VerifyReport& report) {
  static const char* words[] = {"ok", "FAILED", "skipped"};
  std::string out;
  for (const auto& s : report.steps)
    out += std::string("  ") + words[s.status] + " " + s.name + ": " + s.detail + "\n";
  return out;
}

}  // namespace hardnut
