#include "harden/harden_apply.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "base/subprocess.h"

namespace hardnut {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

class Verifier {
 public:
  Verifier(const LiveApplyOptions& o, std::ostream& log) : o_(o), log_(log) {}

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
                                   "-p", "Result", "-p", "NRestarts", "-p", "Type", o_.unit},
                                  30);
    size_t i = 0;
    while (i < r.output.size()) {
      size_t j = r.output.find('\n', i);
      if (j == std::string::npos) j = r.output.size();
      std::string line = r.output.substr(i, j - i);
      size_t eq = line.find('=');
      if (eq != std::string::npos) props[line.substr(0, eq)] = line.substr(eq + 1);
      i = j + 1;
    }
    return props;
  }

  // Restarts the unit and watches it for settle_seconds: it must reach
  // "active" (a oneshot: finish with success) and not be restarted by the
  // manager meanwhile (a crash loop under Restart=).
  std::string restart_and_watch() {
    systemctl({"reset-failed", o_.unit});  // earlier failures must not hit the start limit
    if (auto e = systemctl({"restart", o_.unit}); !e.empty()) return e;
    auto start = show();
    auto until = Clock::now() + ms(o_.settle_seconds);
    std::map<std::string, std::string> now = start;
    for (;;) {
      now = show();
      std::string state = now["ActiveState"];
      if (state == "failed" || (state == "inactive" && now["Type"] != "oneshot"))
        return o_.unit + " is " + state + " (" + now["SubState"] + ", result " + now["Result"] +
               ")";
      if (interrupted()) return "interrupted";
      if (now["NRestarts"] != start["NRestarts"])
        return o_.unit + " crashed and was restarted by the manager (NRestarts " +
               start["NRestarts"] + " -> " + now["NRestarts"] + ")";
      if (Clock::now() >= until) break;
      std::this_thread::sleep_for(ms(o_.poll_seconds));
    }
    bool oneshot_done =
        now["Type"] == "oneshot" && now["ActiveState"] == "inactive" && now["Result"] == "success";
    if (now["ActiveState"] != "active" && !oneshot_done)
      return o_.unit + " is " + now["ActiveState"] + " (" + now["SubState"] + ") after " +
             std::to_string(o_.settle_seconds) + " s";
    return "";
  }

  // The check command, retried while the service may still be starting up.
  std::string check() {
    if (o_.check.empty()) return "";
    auto until = Clock::now() + ms(o_.check_timeout_seconds);
    ProcessResult r;
    int attempts = 0;
    for (;;) {
      ++attempts;
      r = run_process({o_.shell, "-c", o_.check}, std::max(1.0, o_.check_timeout_seconds));
      if (r.success()) {
        log_ << "hardnut: check passed: " << o_.check << "\n";
        return "";
      }
      if (Clock::now() >= until || interrupted()) break;
      std::this_thread::sleep_for(ms(std::max(o_.poll_seconds, 0.5)));
    }
    return "--check failed after " + std::to_string(attempts) + " attempts (" +
           (r.timed_out ? std::string("timed out")
                        : "exit status " + std::to_string(r.exit_status)) +
           "): " + o_.check + (r.output.empty() ? "" : "\n" + tail_lines(r.output, 10));
  }

  // The whole proof: reload, restart, watch, check, still active.
  std::string verify() {
    if (auto e = systemctl({"daemon-reload"}); !e.empty()) return e;
    if (auto e = restart_and_watch(); !e.empty()) return e;
    if (auto e = check(); !e.empty()) return e;
    auto now = show();
    if (now["ActiveState"] != "active" && now["Type"] != "oneshot")
      return o_.unit + " stopped during the check (" + now["ActiveState"] + ")";
    return "";
  }

  std::string journal() {
    ProcessResult r =
        run_process({o_.journalctl, "-u", o_.unit, "-n", "15", "--no-pager", "-o", "cat"}, 30);
    return r.started && !r.output.empty() ? tail_lines(r.output, 15) : "";
  }

 private:
  const LiveApplyOptions& o_;
  std::ostream& log_;
};

}  // namespace

LiveApplyResult apply_live(const DropinInstall& install, const LiveApplyOptions& o,
                           std::ostream& log) {
  LiveApplyResult result;
  Verifier v(o, log);
  log << "hardnut: daemon-reload, restart " << o.unit << ", watching it for " << o.settle_seconds
      << " s\n";
  result.broke = v.verify();
  // A Ctrl-C reaches systemctl and the check too, so whatever failed then
  // failed because of it.
  result.interrupted = v.interrupted();
  if (result.interrupted) result.broke = "interrupted before the service was proven to work";
  if (result.broke.empty()) {
    result.ok = true;
    return result;
  }
  std::string journal = result.interrupted ? "" : v.journal();
  if (!journal.empty()) result.broke += "\nlast log lines of " + o.unit + ":\n" + journal;
  log << "hardnut: " << o.unit << " does not work with the new drop-in: " << result.broke << "\n";
  log << "hardnut: rolling back: "
      << (install.had_previous ? "restoring the previous " : "removing ") << install.path << "\n";
  std::string error;
  if (!restore_dropin(install, error)) {
    result.restore_problem = error;
    return result;
  }
  result.rolled_back = true;
  // Interrupted: the old configuration is put back in force without
  // watching it for long; the user asked to stop.
  if (result.interrupted) {
    result.restore_problem = v.systemctl({"daemon-reload"});
    if (result.restore_problem.empty()) result.restore_problem = v.systemctl({"restart", o.unit});
  } else {
    result.restore_problem = v.verify();
  }
  result.restored_ok = result.restore_problem.empty();
  return result;
}

}  // namespace hardnut
