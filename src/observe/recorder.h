// The eBPF recorder behind `hardnut profile`: tracepoint programs (raw
// system call entry, exec/fork/exit, cgroup creation, the capability check
// where the kernel has it) that keep only the tasks of one unit's cgroup
// subtree, aggregate in kernel maps and send file paths through a ring
// buffer. Nothing wraps the unit's commands: every process of the unit is
// seen, `+`/`!` commands and children included. The programs are detached
// when the Recorder is destroyed, whatever the reason.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "observe/raw_observation.h"

namespace hardnut {

struct RecorderTarget {
  std::string unit;
  // The unit's cgroup on the unified (v2) hierarchy, as `ls -di` shows its
  // directory (0: the unit is not running now).
  uint64_t cgroup_id = 0;
  // Its parent's and its directory name: when the unit (re)starts, the
  // manager creates a fresh cgroup, recognised by these two.
  uint64_t parent_cgroup_id = 0;
  std::string cgroup_name;
  // Attached to a running unit (--no-restart): its tasks are past their
  // exec, so they count as the service, not as the manager's set-up.
  bool running_tasks_are_service = false;
  // Where relative paths of processes that are gone by the time their
  // event is read are taken to be relative to.
  std::string working_directory = "/";
  // For tests: tell silent capability checks apart as where /proc/kallsyms
  // hides the kernel's addresses, by calibrated return addresses or
  // (taking precedence) by the system call the task is in.
  bool force_calibrated_stack_for_capabilities = false;
  bool force_syscall_context_for_capabilities = false;
};

class Recorder {
 public:
  // Loads and attaches everything. nullptr and `error` when this build or
  // this kernel cannot (not root, no BTF, a missing tracepoint, built
  // without libbpf): the text names what is missing.
  static std::unique_ptr<Recorder> start(const RecorderTarget& target, std::string& error);
  ~Recorder();  // detaches and unloads
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Reads the ring buffer for up to `timeout_ms` (file paths are resolved
  // against the process's cwd while it still exists).
  void poll(int timeout_ms);
  // Whether capability checks are observed (the tracepoint attached, and
  // silent checks told apart).
  bool observes_capabilities() const;
  // Drains what is left, reads the maps and detaches.
  RawObservation finish(double seconds, bool covers_startup);

  struct State;

 private:
  explicit Recorder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Whether this build has the recorder at all (built with libbpf, bpftool
// and clang's BPF target).
bool recorder_built_in();

}  // namespace hardnut
