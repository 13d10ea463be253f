#include "harden/harden_apply.h"

#include <algorithm>

#include "base/atomic_file.h"
#include "base/subprocess.h"

namespace hardnut {

namespace {

// "" when it worked, else what failed.
std::string systemctl(const VerifyOptions& o, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {o.systemctl};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, 120);
  if (r.success()) return "";
  return "systemctl " + args.front() + " failed: " + tail_lines(r.output, 5);
}

bool interrupted(const VerifyOptions& o) { return o.interrupted && o.interrupted->load(); }

// Puts the state before the run back. Interrupted: reload and restart,
// without watching for long, since the user asked to stop; otherwise the
// service must come up and pass the checks again.
void roll_back(LiveApplyResult& r, const LiveApplyOptions& o, std::ostream& log) {
  log << "hardnut: rolling back: "
      << (r.install.had_previous ? "restoring the previous " : "removing ") << r.install.path
      << "\n";
  std::string error;
  if (!restore_dropin(r.install, error)) {
    r.restore_problem = error;
    return;
  }
  r.rolled_back = true;
  if (r.interrupted) {
    r.restore_problem = systemctl(o.verify, {"daemon-reload"});
    if (r.restore_problem.empty())
      r.restore_problem = systemctl(o.verify, {"restart", o.verify.unit});
  } else {
    VerifyOptions quick = o.verify;
    quick.quick = true;
    VerifyReport back = verify_service(quick, ServiceBaseline{}, log);
    if (!back.ok) r.restore_problem = back.failure;
  }
  r.restored_ok = r.restore_problem.empty();
}

}  // namespace

LiveApplyResult apply_live(const std::string& path, size_t change_count,
                           const RenderChanges& render, bool force, const LiveApplyOptions& o,
                           std::ostream& log, std::string& error) {
  LiveApplyResult r;
  std::vector<size_t> all(change_count);
  for (size_t i = 0; i < change_count; ++i) all[i] = i;
  // The checks must pass before anything changes.
  if (std::string e = failing_check(o.verify); !e.empty()) {
    error =
        "the check fails before any change, so it cannot tell what a change breaks; nothing "
        "was changed: " +
        e;
    return r;
  }
  ServiceBaseline baseline = service_baseline(o.verify);
  if (!install_dropin(path, render(all, {}), force, r.install, error)) return r;
  log << "hardnut: wrote " << path;
  if (!r.install.backup_path.empty())
    log << " (previous file kept as " << r.install.backup_path << ")";
  log << "\nhardnut: verifying " << o.verify.unit << " with all " << change_count << " changes\n";
  r.report = verify_service(o.verify, baseline, log);
  r.interrupted = r.report.interrupted || interrupted(o.verify);
  if (r.report.ok && !r.interrupted) {
    r.ok = true;
    r.kept = all;
    return r;
  }
  if (r.interrupted) {
    roll_back(r, o, log);
    return r;
  }
  r.broke = r.report.failure;
  log << "hardnut: " << o.verify.unit << " does not work with all " << change_count
      << " changes; bisecting them to find the one that broke it\n";

  // Which changes broke it: one try per candidate set, each verified in
  // full. A check that has not passed within 10 s of a try's restart counts
  // as failed: the service has already had its time to start in the first
  // verification, and a try taken for failed only leaves a change out.
  int tries = 0;
  VerifyOptions try_options = o.verify;
  try_options.check_timeout_seconds = std::min(try_options.check_timeout_seconds, 10.0);
  auto try_set = [&](const std::vector<size_t>& set) -> std::optional<TryOutcome> {
    if (interrupted(o.verify)) return std::nullopt;
    log << "hardnut: bisect: try " << ++tries << " of at most " << o.max_tries << ": " << set.size()
        << " of " << change_count << " changes\n";
    std::string write_error;
    if (write_file_atomically(path, render(set, {}), 0644, write_error) != 0)
      return TryOutcome{false, "cannot write " + path + ": " + write_error};
    // Only what this try logged counts: earlier tries' denials are theirs.
    VerifyReport report = verify_service(try_options, starting_now(baseline), log);
    if (report.interrupted || interrupted(o.verify)) return std::nullopt;
    if (report.ok) r.report = report;
    return TryOutcome{report.ok, report.failure};
  };
  BisectResult b = bisect_changes(change_count, r.broke, o.max_tries, try_set);
  r.culprits = b.culprits;
  r.exhausted = b.exhausted;
  r.tries = b.tries;
  if (b.interrupted || interrupted(o.verify)) {
    r.interrupted = true;
    roll_back(r, o, log);
    return r;
  }
  if (b.kept.empty()) {
    roll_back(r, o, log);
    return r;
  }
  // The final file: the passing set, with what was left out and why.
  if (write_file_atomically(path, render(b.kept, b.culprits), 0644, error) != 0) {
    roll_back(r, o, log);
    return r;
  }
  if (!b.kept_was_last_try) {
    log << "hardnut: verifying the " << b.kept.size() << " changes that passed, once more\n";
    r.report = verify_service(o.verify, starting_now(baseline), log);
    if (!r.report.ok) {
      r.interrupted = r.report.interrupted || interrupted(o.verify);
      if (!r.interrupted) r.broke = r.report.failure;
      roll_back(r, o, log);
      return r;
    }
  }
  r.ok = true;
  r.reduced = true;
  r.kept = b.kept;
  return r;
}

}  // namespace hardnut
