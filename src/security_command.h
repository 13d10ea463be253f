// `hardnut security`: the equivalent of `systemd-analyze security`.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "report.h"
#include "unit_paths.h"

namespace hardnut {

struct SecurityOptions {
  std::vector<std::string> units;
  std::optional<bool> offline;
  std::string root;
  Scope scope = Scope::kSystem;
  unsigned threshold = 100;
  std::string policy_path;
  JsonMode json = JsonMode::kOff;
  bool no_pager = false;
  std::vector<std::string> set_lines;  // --set KEY=VALUE
  bool overview = false;               // only the overview table
  std::string format = "text";         // "text" or "json" (hardnut's scan document)
  unsigned jobs = 0;                   // worker threads for scans; 0: one per core
  std::string output;                  // write stdout's report to this file, atomically
  std::string baseline;                // compare with (or record) a baseline file
  bool update_baseline = false;        // rewrite the baseline after comparing
};

// The environment the command runs in (kept explicit for tests).
struct Environment {
  std::map<std::string, std::string> vars;
  std::string cwd;
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  unsigned umask = 0022;
};
Environment current_environment();

// Runs the command; writes to the given streams; returns the exit status.
// Raising `interrupt` (e.g. from a SIGINT handler) stops a scan early.
int run_security(const SecurityOptions& options, const Environment& env, std::ostream& out,
                 std::ostream& err, const std::atomic<bool>& interrupt);

// The same into strings, for tests.
int run_security(const SecurityOptions& options, const Environment& env, std::string& out,
                 std::string& err);

// Decides glyphs and colours the way systemd does from the environment.
OutputStyle output_style(const Environment& env);

}  // namespace hardnut
