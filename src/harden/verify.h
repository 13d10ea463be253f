// Proving that a service still does its job with the sandbox it now has:
// the battery `harden --apply` runs after every change and `harden
// --verify` runs on its own. Every step goes through systemctl and
// journalctl, so the manager and the journal decide, not hardnut's model.
#pragma once

#include <atomic>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "harden/footprint.h"

namespace hardnut {

struct VerifyOptions {
  std::string unit;                   // as systemctl knows it
  std::vector<std::string> checks;    // shell commands, each must succeed (--check)
  double soak_seconds = 10;           // it must stay up this long at the end (--soak)
  double settle_seconds = 3;          // ... and this long after every restart
  double check_timeout_seconds = 30;  // a check is retried until it passes or this passes
  double poll_seconds = 0.25;
  std::string systemctl = "systemctl";  // tests point these at stand-ins
  std::string journalctl = "journalctl";
  std::string shell = "/bin/sh";
  // Only daemon-reload, restart and the checks (for a rollback, whose
  // configuration was in force before).
  bool quick = false;
  // Set by SIGINT/SIGTERM: stop at once (nullptr: never).
  const std::atomic<bool>* interrupted = nullptr;
};

struct VerifyStep {
  enum Status { kOk, kFailed, kSkipped };
  std::string name;  // restart, check, second-restart, reload, soak, footprint, journal
  Status status = kOk;
  std::string detail;
};

struct VerifyReport {
  bool ok = false;
  bool interrupted = false;
  std::vector<VerifyStep> steps;  // in the order they ran; the last failed when !ok
  std::string failure;            // the failed step and what it saw, journal lines included
};

// The service before the change: what its journal said (to tell new
// denials from old ones) and what it was seen doing.
struct ServiceBaseline {
  long long since_epoch = 0;      // the change was made at or after this second
  std::set<std::string> denials;  // normalized denial lines seen before
  Footprint footprint;            // not taken when the unit was not running
  // Why `systemctl reload` stops the service already before any change
  // (its own ExecReload=, say a SIGHUP it dies of); empty when it works.
  std::string reload_broken;
};

// The lines of the unit's journal that look like a sandbox denial (seccomp
// kill, EPERM, EACCES, read-only file system), normalized: numbers and
// hex strings replaced, so "pid 4711" and "pid 4712" are the same line.
std::vector<std::string> denial_lines(const std::string& journal);
std::string normalize_journal_line(const std::string& line);

// Reads the baseline now, before anything changes. The footprint goes
// through systemctl show ControlGroup= and /proc. Where the unit has
// ExecReload=, it is reloaded once: a reload that stops it already is the
// unit's own problem, not the change's (the service is started again).
ServiceBaseline service_baseline(const VerifyOptions& options);
// The same baseline for a later run: waits for the next full second (the
// journal is read --since a second) so that nothing logged before now counts.
ServiceBaseline starting_now(ServiceBaseline baseline);

// daemon-reload, restart (a oneshot: one successful run), every check, a
// second restart and the checks again, reload where the unit has
// ExecReload=, the soak (still active, never restarted by the manager, the
// checks once more), the footprint (still listening and writing where it
// did before), and no new denial in the journal since `baseline`.
// Stops at the first failure. Progress lines go to `log`.
VerifyReport verify_service(const VerifyOptions& options, const ServiceBaseline& baseline,
                            std::ostream& log);

// Runs every check once against the service as it is (retried as in the
// battery); "" when all pass, else the first failure. Before a change: a
// check that fails already would blame the change for nothing.
std::string failing_check(const VerifyOptions& options);

// "ok restart: active (running)" lines, one per step, for the user.
std::string render_report(const VerifyReport& report);

}  // namespace hardnut
