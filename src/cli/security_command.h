// `hardnut security`: the equivalent of `systemd-analyze security`. Chooses
// between its two verbs, the live one (a running manager) and the offline
// one (unit files), as systemd-analyze and hardnut's default mode do.
#pragma once

#include <atomic>
#include <ostream>
#include <string>

#include "base/environment.h"
#include "cli/security_options.h"

namespace hardnut {

// Runs the command; writes to the given streams; returns the exit status.
// Raising `interrupt` (e.g. from a SIGINT handler) stops a scan early.
int run_security(const SecurityOptions& options, const Environment& env, std::ostream& out,
                 std::ostream& err, const std::atomic<bool>& interrupt);
// The same into strings, for tests.
int run_security(const SecurityOptions& options, const Environment& env, std::string& out,
                 std::string& err);

}  // namespace hardnut
