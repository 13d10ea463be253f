// Scoring many units at once: they are loaded and assessed on all cores
// and handed back in input order as soon as they are ready, so output
// streams and memory stays flat however many units there are.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "assess/assessment.h"
#include "assess/policy.h"
#include "assess/unit.h"
#include "unit/loader.h"

namespace hardnut {

// A search path whose file index is built when the first of its units is
// scored and freed after the last: a folder scan meets thousands of
// folders, and holding all their indexes made memory grow with the units.
class LazyIndex {
 public:
  LazyIndex(std::vector<SearchDir> dirs, size_t units, UnitFileIndex::Listings listed = {})
      : dirs_(std::move(dirs)), units_(units), listed_(std::move(listed)) {}
  // The index, built on first use; each acquire() is followed by release().
  const UnitFileIndex& acquire();
  void release();

 private:
  std::once_flag built_;
  std::vector<SearchDir> dirs_;
  std::atomic<size_t> units_;  // units not yet released
  UnitFileIndex::Listings listed_;
  std::unique_ptr<UnitFileIndex> index_;
};

struct ScanJob {
  const UnitFileIndex* index;  // the search path the unit is looked up on
  std::string name;            // unit name to load
  LazyIndex* lazy = nullptr;   // instead of `index`: one job of its units
};

struct ScanResult {
  std::string name;
  std::vector<std::string> messages;  // load messages, then the status message
  bool ok = false;                    // assessed
  std::optional<Assessment> assessment;
  std::string service_type;
  std::string source;                          // fragment path
  std::map<std::string, std::string> origins;  // directive -> "file:line"
  std::vector<SourceComment> comments;         // for inline suppressions
  std::string rendered;                        // output made by ScanOptions::prepare
  UnitLoader::Footprint footprint;             // with ScanOptions::one_manager
};

struct ScanOptions {
  LoadOptions load;  // remember_units is the scan's to decide (see one_manager)
  const Policy* policy = nullptr;
  const std::vector<Check>* checks = nullptr;
  unsigned threads = 0;  // 0: one per core
  // Called on the worker thread right after a unit is scored (may be
  // empty): rendering a unit's report costs as much as scoring it, so it
  // belongs on the workers, not on the one thread that emits in order.
  std::function<void(ScanResult&)> prepare;
  // The units load as if one after another into one manager, as units named
  // on the command line do in systemd-analyze (they share loaded units and
  // D-Bus names). Each is still loaded on a worker, alone; in order, its
  // footprint goes into the one loader that stands for the manager, or,
  // when it meets a name a unit before it had, it is loaded again there.
  bool one_manager = false;
};

// Calls `emit` for every job in order; `progress` (may be empty) with the
// number of units done so far, from the calling thread. Returns false when
// `stop` was raised before all jobs were done.
bool scan_units(const std::vector<ScanJob>& jobs, const ScanOptions& options,
                const std::function<void(ScanResult&)>& emit,
                const std::function<void(size_t done)>& progress, const std::atomic<bool>& stop);

}  // namespace hardnut
