// `hardnut security --offline=yes`: scores unit files, folders and roots as
// `systemd-analyze security --offline=yes` does (and hardnut's own formats,
// baselines and scans on top).
#pragma once

#include <atomic>
#include <ostream>

#include "base/environment.h"
#include "cli/security_options.h"

namespace hardnut {

// Writes the reports to `out`, messages to `err`; returns the exit status.
// Raising `interrupt` (e.g. from a SIGINT handler) stops a scan early.
int run_security_offline(const SecurityOptions& options, const Environment& env, std::ostream& out,
                         std::ostream& err, const std::atomic<bool>& interrupt);

}  // namespace hardnut
