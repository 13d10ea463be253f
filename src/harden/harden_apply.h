// `harden --apply`: install the drop-in, make the running manager use it
// and prove the service still works (verify.h). When it does not, find the
// changes that broke it by bisection (bisect.h), one live try per set, and
// keep the largest set that passes; the final drop-in is written only once
// it passed. Without any passing change, or on Ctrl-C/SIGTERM at any
// point, the state before the run comes back (the previous drop-in, or
// none) and the service is restarted with it.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "harden/bisect.h"
#include "harden/dropin_install.h"
#include "harden/verify.h"

namespace hardnut {

struct LiveApplyOptions {
  VerifyOptions verify;  // its unit is filled in by run_harden
  int max_tries = 16;    // bisection tries after a failure (--max-tries)
};

// The drop-in holding the changes `kept` (indices into the planned
// changes, in order); `culprits` are the ones left out because they broke
// the service, for its comments.
using RenderChanges = std::function<std::string(const std::vector<size_t>& kept,
                                                const std::vector<Culprit>& culprits)>;

struct LiveApplyResult {
  bool ok = false;           // a drop-in is in force and passed verification
  bool reduced = false;      // ... holding fewer changes than planned
  bool interrupted = false;  // stopped by a signal; the previous state is back
  std::vector<size_t> kept;
  std::vector<Culprit> culprits;
  int tries = 0;
  bool exhausted = false;    // --max-tries ran out: culprits may be missing
  VerifyReport report;       // the verification of the drop-in in force (or the first failure)
  std::string broke;         // the first failure, with journal lines
  bool rolled_back = false;  // the state before the run was put back
  bool restored_ok = false;  // ... and the service works with it
  std::string restore_problem;
  DropinInstall install;  // what was there before
};

// Writes render(all, {}) to `path` (see install_dropin for `force`), then
// verifies, bisects, and rolls back as described above. Progress goes to
// `log`; `error` is set (and nothing changed) when the file cannot be written.
LiveApplyResult apply_live(const std::string& path, size_t change_count,
                           const RenderChanges& render, bool force, const LiveApplyOptions& options,
                           std::ostream& log, std::string& error);

}  // namespace hardnut
