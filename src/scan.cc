#include "scan.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace hardnut {

namespace {

// How far workers may run ahead of the output.
constexpr size_t kWindow = 1024;

ScanResult score(UnitLoader& loader, const ScanJob& job, const ScanOptions& options,
                 const RuleContext& rules) {
  ScanResult r;
  r.name = job.name;
  const LoadedUnit& unit = loader.load(job.name, r.messages);
  r.source = unit.fragment_path;
  r.origins = unit.origins;
  if (!unit.ok) {
    r.messages.push_back(unit.status_message);
    return r;
  }
  r.service_type = unit.settings.service_type;
  try {
    r.assessment = assess(unit.settings, *options.checks, *options.policy, rules);
    r.ok = true;
  } catch (const AssessmentError& e) {
    r.messages.push_back("hardnut: the security policy cannot be applied to " +
                         unit.settings.unit_id + ": " + e.message);
  }
  return r;
}

}  // namespace

bool scan_units(const std::vector<ScanJob>& jobs, const ScanOptions& options,
                const std::function<void(ScanResult&)>& emit,
                const std::function<void(size_t done)>& progress, const std::atomic<bool>& stop) {
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  if (threads > jobs.size()) threads = static_cast<unsigned>(jobs.size() ? jobs.size() : 1);
  RuleContext rules{*options.load.syscalls, false};

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::optional<ScanResult>> window;  // results from `emitted` on
  size_t next_job = 0, emitted = 0;

  auto worker = [&] {
    // Each worker has its own loaders: they keep per-run state.
    std::map<const UnitFileIndex*, std::unique_ptr<UnitLoader>> loaders;
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mutex);
        changed.wait(
            lock, [&] { return stop || next_job >= jobs.size() || next_job < emitted + kWindow; });
        if (stop || next_job >= jobs.size()) return;
        i = next_job++;
      }
      const ScanJob& job = jobs[i];
      auto& loader = loaders[job.index];
      if (!loader) loader = std::make_unique<UnitLoader>(*job.index, options.load);
      ScanResult result = score(*loader, job, options, rules);
      {
        std::lock_guard lock(mutex);
        size_t slot = i - emitted;
        if (window.size() <= slot) window.resize(slot + 1);
        window[slot] = std::move(result);
      }
      changed.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);

  bool complete = true;
  while (emitted < jobs.size()) {
    std::optional<ScanResult> ready;
    {
      std::unique_lock lock(mutex);
      changed.wait_for(lock, std::chrono::milliseconds(100),
                       [&] { return stop || (!window.empty() && window.front()); });
      if (stop) {
        complete = false;
        break;
      }
      if (window.empty() || !window.front()) {
        lock.unlock();
        if (progress) progress(emitted);
        continue;
      }
      ready = std::move(window.front());
      window.pop_front();
      ++emitted;
    }
    changed.notify_all();
    emit(*ready);
    if (progress) progress(emitted);
  }
  changed.notify_all();
  for (auto& t : pool) t.join();
  return complete;
}

}  // namespace hardnut
