// `harden --apply`: after the drop-in is installed, make the running
// manager use it (daemon-reload, restart), wait, and prove the service
// still works (active, not restarting, and an optional --check command
// succeeds). If it does not, put the previous drop-in back, reload,
// restart, and say what broke. Everything goes through `systemctl`, so the
// manager decides, not hardnut's model of it.
#pragma once

#include <atomic>
#include <ostream>
#include <string>

#include "harden/dropin_install.h"

namespace hardnut {

struct LiveApplyOptions {
  std::string unit;                     // as systemctl knows it
  std::string check;                    // shell command; empty for none
  std::string systemctl = "systemctl";  // tests point these at fakes
  std::string journalctl = "journalctl";
  std::string shell = "/bin/sh";
  double settle_seconds = 3;          // the service must stay up this long after a restart
  double check_timeout_seconds = 30;  // --check is retried until it passes or this passes
  double poll_seconds = 0.25;
  // Set by SIGINT/SIGTERM: stop proving and roll back (nullptr: never).
  const std::atomic<bool>* interrupted = nullptr;
};

struct LiveApplyResult {
  bool ok = false;           // the service works with the new drop-in
  bool interrupted = false;  // stopped by a signal, then rolled back
  std::string broke;         // what failed, with the service's last log lines
  bool rolled_back = false;  // the previous drop-in was put back
  bool restored_ok = false;  // ... and the service works again
  std::string restore_problem;
};

// `install` is what install_dropin() did; progress goes to `log`. An
// interruption counts as a failure: the previous drop-in is put back.
LiveApplyResult apply_live(const DropinInstall& install, const LiveApplyOptions& options,
                           std::ostream& log);

}  // namespace hardnut
