// `hardnut security`: the equivalent of `systemd-analyze security`.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "policy.h"
#include "report.h"
#include "root_fs.h"
#include "syscall_filter.h"
#include "systemd_version.h"
#include "unit_paths.h"

namespace hardnut {

struct SecurityOptions {
  std::vector<std::string> units;
  std::optional<bool> offline;
  std::string root;
  Scope scope = Scope::kSystem;
  std::string host;     // -H/--host=: live mode, the manager of [user@]host over ssh
  std::string machine;  // -M/--machine=: live mode, the manager of a local container
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
  // --systemd-version=: the systemd whose scoring is reproduced; 0: auto
  // (the systemd installed in --root, or the live manager's).
  unsigned systemd_version = 252;
};

// The environment the command runs in (kept explicit for tests).
struct Environment {
  std::map<std::string, std::string> vars;
  std::string cwd;
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  bool pager_active = false;  // standard output goes through a pager
  unsigned tty_columns = 0;   // the terminal's width, 0 if unknown
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

// What suggest, harden and diff share with `security`, so that they find,
// load and score a unit exactly as it does.
const SyscallTable& syscall_table();  // systemd 252's syscall groups
const SyscallTable& syscall_table(const SystemdVersion& version);
// The version profile for the options: --systemd-version=, with auto
// looking at --root (or `/`) offline; live mode passes the manager's
// Version property as `manager_version`. Notes go to `err`.
const SystemdVersion& systemd_version_for(const SecurityOptions& o, std::ostream& err,
                                          std::optional<std::string_view> manager_version = {});
bool load_policy(const SecurityOptions& o, const RootFs& fs, Policy& policy, std::ostream& err,
                 const SystemdVersion* version = nullptr);
bool manager_search_path(const SecurityOptions& o, const Environment& env, const RootFs& root,
                         const RootFs& host, std::vector<SearchDir>& dirs, std::ostream& err);

}  // namespace hardnut
