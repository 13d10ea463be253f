#include "assess/scan.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace hardnut {

namespace {

// How far workers may run ahead of the output, per worker: enough to even
// out slow units, while the finished reports held back (some 20 KB each)
// stay a few MB.
constexpr size_t kWindowPerThread = 32;
// The output thread is woken once this many results are ready in order (or
// the last ones are): a wake-up per unit costs about as much as scoring a
// small unit.
constexpr size_t kBatch = 16;

ScanResult score(UnitLoader& loader, const ScanJob& job, const ScanOptions& options,
                 const RuleContext& rules) {
  ScanResult r;
  r.name = job.name;
  const LoadedUnit& unit = loader.load(job.name, r.messages);
  r.source = unit.fragment_path;
  r.origins = unit.origins;
  r.comments = unit.comments;
  if (!unit.ok) {
    r.messages.push_back(unit.status_message);
    return r;
  }
  r.service_type = unit.settings.service_type;
  try {
    r.assessment = assess(unit.settings, *options.checks, *options.policy, rules);
    r.assessment->fragment_path = unit.fragment_path;
    r.ok = true;
  } catch (const AssessmentError& e) {
    r.messages.push_back("hardnut: the security policy cannot be applied to " +
                         unit.settings.unit_id + ": " + e.message);
  }
  return r;
}

}  // namespace

const UnitFileIndex& LazyIndex::acquire() {
  std::call_once(built_,
                 [this] { index_ = std::make_unique<UnitFileIndex>(dirs_, std::move(listed_)); });
  return *index_;
}

void LazyIndex::release() {
  // Every unit acquires before it releases: the last release is the last use.
  if (units_.fetch_sub(1) == 1) index_.reset();
}

bool scan_units(const std::vector<ScanJob>& jobs, const ScanOptions& options,
                const std::function<void(ScanResult&)>& emit,
                const std::function<void(size_t done)>& progress, const std::atomic<bool>& stop) {
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  if (threads > jobs.size()) threads = static_cast<unsigned>(jobs.size() ? jobs.size() : 1);
  const size_t window_size = kWindowPerThread * threads;
  RuleContext rules{*options.load.syscalls, false, options.load.version};

  std::mutex mutex;
  // `ready`: the result the output waits for has arrived; `room`: the
  // window moved on (or the scan stops). Separate, so that a finished unit
  // wakes only the output thread, and only when it is the one it waits for.
  std::condition_variable ready, room;
  std::deque<std::optional<ScanResult>> window;  // results from `emitted` on
  size_t next_job = 0, emitted = 0;
  // Whether the results from `emitted` on make a batch worth waking for.
  auto batch_ready = [&] {
    size_t want = std::min(kBatch, jobs.size() - emitted);
    if (window.size() < want) return false;
    for (size_t k = 0; k < want; ++k)
      if (!window[k]) return false;
    return true;
  };

  // Workers judge each unit alone; with one_manager, the manager's loader
  // remembers them all.
  LoadOptions alone = options.load, remembering = options.load;
  alone.remember_units = false;
  remembering.remember_units = true;

  using Loaders = std::map<const UnitFileIndex*, std::unique_ptr<UnitLoader>>;
  // Scores job i (unlocked).
  auto score_job = [&](size_t i, Loaders& loaders) {
    const ScanJob& job = jobs[i];
    ScanResult result;
    if (job.lazy) {
      // The index goes away after the folder's last unit: so does the
      // loader that refers to it.
      UnitLoader loader(job.lazy->acquire(), alone);
      result = score(loader, job, options, rules);
      job.lazy->release();
    } else {
      auto& loader = loaders[job.index];
      if (!loader) loader = std::make_unique<UnitLoader>(*job.index, alone);
      result = score(*loader, job, options, rules);
      if (options.one_manager) result.footprint = loader->take_footprint();
    }
    if (options.prepare) options.prepare(result);
    return result;
  };
  // Puts job i's result into the window (locked); whether the output
  // thread has a batch to write now.
  auto store = [&](size_t i, ScanResult result) {
    size_t slot = i - emitted;
    if (window.size() <= slot) window.resize(slot + 1);
    window[slot] = std::move(result);
    return slot < kBatch && batch_ready();
  };
  // Whether a job may start now (with the lock held).
  auto job_open = [&] { return next_job < jobs.size() && next_job < emitted + window_size; };

  auto worker = [&] {
    // Each worker has its own loaders: they keep per-run state.
    Loaders loaders;
    // One turn of the lock per unit: its result in, the next job out.
    std::unique_lock lock(mutex);
    for (;;) {
      room.wait(lock, [&] { return stop || next_job >= jobs.size() || job_open(); });
      if (stop || next_job >= jobs.size()) return;
      size_t i = next_job++;
      lock.unlock();
      ScanResult result = score_job(i, loaders);
      lock.lock();
      if (store(i, std::move(result))) ready.notify_one();
    }
  };

  // The calling thread writes the results out and, while none is ready,
  // scores units itself: one worker fewer to wake and to switch to.
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  Loaders own_loaders;

  // With one_manager: the loaders that remember every unit, by search path.
  std::map<const UnitFileIndex*, std::unique_ptr<UnitLoader>> managers;
  auto settle = [&](const ScanJob& job, ScanResult& r) {
    auto& manager = managers[job.index];
    if (!manager) manager = std::make_unique<UnitLoader>(*job.index, remembering);
    if (!manager->overlaps(r.footprint)) {
      manager->adopt(std::move(r.footprint));
      return;
    }
    r = score(*manager, job, options, rules);
    if (options.prepare) options.prepare(r);
  };

  bool complete = true;
  std::vector<ScanResult> batch;
  size_t done = 0;  // emitted, as seen outside the lock
  while (done < jobs.size()) {
    {
      std::unique_lock lock(mutex);
      if (!stop && !batch_ready() && job_open()) {
        size_t i = next_job++;
        lock.unlock();
        ScanResult result = score_job(i, own_loaders);
        lock.lock();
        store(i, std::move(result));
      } else {
        ready.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop || batch_ready(); });
      }
      if (stop) {
        complete = false;
        break;
      }
      // Everything that is ready in order goes out in one turn: one wake-up
      // per batch instead of one per unit when the workers are ahead.
      while (!window.empty() && window.front()) {
        batch.push_back(std::move(*window.front()));
        window.pop_front();
        ++emitted;
      }
      done = emitted;
    }
    if (batch.empty()) {
      if (progress) progress(done);
      continue;
    }
    room.notify_all();
    size_t first = done - batch.size(), k = 0;
    for (; k < batch.size() && !stop; ++k) {
      if (options.one_manager) settle(jobs[first + k], batch[k]);
      emit(batch[k]);
      if (progress) progress(first + k + 1);
    }
    bool cut_short = k < batch.size();
    batch.clear();
    if (cut_short) {
      complete = false;
      break;
    }
  }
  room.notify_all();
  for (auto& t : pool) t.join();
  return complete;
}

}  // namespace hardnut
