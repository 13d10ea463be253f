// `hardnut security` in live mode: what `systemd-analyze security` prints
// without --offline, for the units a running manager has loaded.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "base/environment.h"
#include "cli/security_options.h"
#include "live/live_source.h"

namespace hardnut {

enum class LiveMode {
  kRequired,     // --offline=no, -H/--host=, -M/--machine=: as systemd-analyze, errors and all
  kIfAvailable,  // no mode given: live only if a manager answers
};

// Scores the units named in `options` (or, with none, every loaded
// long-running service) as the manager that `options` names reports them,
// and writes exactly what systemd-analyze 252 writes: details tables, the
// overview table (no unit, several units, or --overview), errors, exit
// status. With kIfAvailable, returns nullopt without writing anything when
// no manager answers; `why` then says what failed (one line, no newline).
std::optional<int> run_security_live(const SecurityOptions& options, const Environment& env,
                                     std::ostream& out, std::ostream& err, LiveMode mode,
                                     std::string& why);

// Whether the command line is about unit files, so that with no mode given
// hardnut scores files without asking a manager: --root=, --set, a scan
// document (--format=), --baseline, or an argument that is a path.
bool options_imply_offline(const SecurityOptions& options);

// The manager a SecurityOptions names.
LiveTarget live_target(const SecurityOptions& options);

// The line written to stderr when no mode was given and no manager
// answers, before hardnut scores the unit files instead.
std::string live_fallback_note(const std::string& why);

}  // namespace hardnut
