// Running a helper program (systemctl, journalctl, a --check command) and
// collecting what it printed, with a time limit, so that a hanging command
// cannot hang `harden --apply`.
#pragma once

#include <string>
#include <vector>

namespace hardnut {

struct ProcessResult {
  bool started = false;    // false: fork/exec failed (`output` says why)
  bool timed_out = false;  // killed after the time limit
  int exit_status = -1;    // exit code, or 128+signal
  std::string output;      // stdout and stderr, interleaved
  bool success() const { return started && !timed_out && exit_status == 0; }
};

// Runs argv[0] (looked up in PATH) with stdin from /dev/null. After
// `timeout_seconds` the process group is killed.
ProcessResult run_process(const std::vector<std::string>& argv, double timeout_seconds);

// The last `lines` lines of a text, for error messages.
std::string tail_lines(const std::string& text, size_t lines);

}  // namespace hardnut
