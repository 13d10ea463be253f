// `hardnut profile`: observes what a running unit does (observe/recorder.h)
// and writes the profile (observe/profile.h) that `harden --profile=` uses.
//
//   hardnut profile UNIT [--duration=S] [--workload=CMD] [--output=FILE] [--no-restart]
//   hardnut profile start UNIT [--output=FILE] [--no-restart]   (a recorder in the background)
//   hardnut profile stop UNIT                                    (ends it; the profile is written)
//   hardnut profile --merge A B... [--output=FILE]
#pragma once

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

namespace hardnut {

struct ProfileOptions {
  std::vector<std::string> args;  // UNIT, start UNIT, stop UNIT; with `merge` the profiles
  double duration = -1;           // seconds; -1: 30, or as long as the workload runs
  std::string workload;           // a shell command run once the unit is up
  std::string output;             // "" : standard output (start: UNIT.profile.json here)
  bool no_restart = false;        // observe the running processes only
  bool merge = false;             // merge the profiles in `args` instead of observing
  std::string systemctl = "systemctl";
  std::string state_dir = "/run/hardnut";  // where `profile start` keeps its pid file
  const std::atomic<bool>* interrupted = nullptr;
};

// Returns the exit status: 0, 1 for an error (said on `err`), 130 when
// interrupted (nothing written).
int run_profile(const ProfileOptions& options, std::ostream& out, std::ostream& err);

}  // namespace hardnut
