// What `hardnut security` is asked to do: its command line as data, read
// by the offline and the live verb alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/report.h"
#include "unit/unit_paths.h"

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
  std::string format = "text";         // text, json (hardnut's scan document), sarif, prometheus
  unsigned jobs = 0;                   // worker threads for scans; 0: one per core
  std::string output;                  // write stdout's report to this file, atomically
  std::string baseline;                // compare with (or record) a baseline file
  bool update_baseline = false;        // rewrite the baseline after comparing
  // --systemd-version=: the systemd whose scoring is reproduced; 0: auto
  // (the systemd installed in --root, or the live manager's).
  unsigned systemd_version = 252;
};

}  // namespace hardnut
