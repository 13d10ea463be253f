// What the recorder saw of one unit, before any interpretation: the raw
// kernel facts, keyed the kernel's way (system call numbers of the native
// architecture, capability numbers, open(2) flags). profile.h turns this
// into the documented profile; recorder.h fills it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace hardnut {

// systemd's own set-up between fork and the exec of the unit's command
// (sandbox mounts, credentials, dropping capabilities) is kept apart from
// what the service itself does: a filter applies only after that exec.
enum class Phase { kSetup = 0, kService = 1 };
inline constexpr int kPhaseCount = 2;

struct SocketUse {
  enum class Op { kBind, kConnect, kListen } op = Op::kBind;
  int family = 0;       // AF_*
  int type = 0;         // SOCK_STREAM, SOCK_DGRAM, ... (0: unknown)
  std::string address;  // numeric (inet_ntop), a unix socket path, or "" (unknown)
  uint16_t port = 0;    // host byte order; 0 for AF_UNIX
  auto operator<=>(const SocketUse&) const = default;
};

struct FileAccess {
  std::string path;        // absolute; when not resolved, joined with the unit's WorkingDirectory=
  bool resolved = true;    // false: relative, and its process was gone before its cwd was read
  int flags = 0;           // open(2) flags; O_CREAT/O_WRONLY/O_RDWR/O_TRUNC mean a write
  bool directory = false;  // mkdir/rmdir/rename/unlink style calls on the path
  bool write = false;      // the call modifies the file system at `path`
  auto operator<=>(const FileAccess&) const = default;
};

struct PhaseObservation {
  std::map<int, uint64_t> syscalls;      // native number -> calls
  std::set<int> socket_families;         // socket(2)/socketpair(2) domains
  std::set<SocketUse> sockets;           // bind/connect/listen
  std::map<int, uint64_t> capabilities;  // CAP_* -> audited checks (silent ones excluded)
  std::set<int> capabilities_denied;     // audited checks that failed
  std::set<FileAccess> files;
  uint64_t namespace_flags = 0;           // CLONE_NEW* seen in clone/clone3/unshare/setns
  bool write_execute_mapping = false;     // mmap W+X, mprotect/pkey_mprotect X, shmat SHM_EXEC
  std::set<unsigned long> personalities;  // personality(2) arguments other than 0xffffffff
  std::set<int> scheduler_policies;       // sched_setscheduler/sched_setattr policies
  std::set<std::string> executables;      // paths exec'd into this phase
};

struct RawObservation {
  std::string unit;
  std::string architecture;            // seccomp's name of the native one ("x86_64")
  double seconds = 0;                  // how long the recorder was attached
  bool covers_startup = false;         // attached before the unit (re)started
  uint64_t processes = 0;              // tasks seen (threads included)
  uint64_t events = 0;                 // system calls recorded
  uint64_t lost_events = 0;            // ring buffer overruns: file paths may be missing
  bool capabilities_observed = false;  // the kernel has the capability tracepoint
  // How silent checks were told apart: "kernel stack" (kallsyms), "kernel
  // stack (calibrated: kallsyms hidden)" (perhaps followed by "; not found:
  // " and the kinds whose silent checks count), or "system call context
  // (kallsyms hidden)"; "" when not observed.
  std::string capabilities_method;
  std::string capabilities_missing;  // why capabilities were not observed, when they were not
  PhaseObservation phase[kPhaseCount];
};

}  // namespace hardnut
