// Scoring many units at once: they are loaded and assessed on all cores
// and handed back in input order as soon as they are ready, so output
// streams and memory stays flat however many units there are.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "assessment.h"
#include "loader.h"
#include "policy.h"
#include "unit.h"

namespace hardnut {

struct ScanJob {
  const UnitFileIndex* index;  // the search path the unit is looked up on
  std::string name;            // unit name to load
};

struct ScanResult {
  std::string name;
  std::vector<std::string> messages;  // load messages, then the status message
  bool ok = false;                    // assessed
  std::optional<Assessment> assessment;
  std::string service_type;
  std::string source;                          // fragment path
  std::map<std::string, std::string> origins;  // directive -> "file:line"
};

struct ScanOptions {
  LoadOptions load;
  const Policy* policy = nullptr;
  const std::vector<Check>* checks = nullptr;
  unsigned threads = 0;  // 0: one per core
};

// Calls `emit` for every job in order; `progress` (may be empty) with the
// number of units done so far, from the calling thread. Returns false when
// `stop` was raised before all jobs were done.
bool scan_units(const std::vector<ScanJob>& jobs, const ScanOptions& options,
                const std::function<void(ScanResult&)>& emit,
                const std::function<void(size_t done)>& progress, const std::atomic<bool>& stop);

}  // namespace hardnut
