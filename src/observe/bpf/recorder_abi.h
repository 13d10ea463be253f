// What the recorder's BPF programs (recorder.bpf.c) and their loader
// (recorder.cc) share: the configuration in .rodata, the layouts of the
// maps' keys and values and of the ring buffer's events. C, for both.
#pragma once

#include <linux/types.h>

// System call numbers below this are counted (per phase).
#define HN_MAX_NR 1024
#define HN_PHASES 2
#define HN_SYSCALL_SLOTS (HN_PHASES * HN_MAX_NR)
// File paths and exec'd file names longer than this are cut (and counted).
#define HN_PATH_MAX 256
// A cgroup directory name (a unit name: at most 255 characters) and its NUL.
#define HN_NAME_MAX 256
#define HN_UNIX_PATH_MAX 108
#define HN_CAP_SLOTS 64
#define HN_CAP_SYS_ADMIN 21
// Kernel code whose capability checks are silent (see hn_cap_capable).
#define HN_SILENT_RANGES 8
// Kernel stack frames looked at for them.
#define HN_STACK_FRAMES 10

// What the system call entry program does with the arguments of a call,
// per native system call number (hn_config.action). The numbers come from
// libseccomp at run time; a call this architecture lacks has no entry.
enum hn_action {
  HN_ACT_NONE = 0,
  HN_ACT_SOCKET,              // (family, type, protocol)
  HN_ACT_BIND,                // (fd, addr, len)
  HN_ACT_CONNECT,             // (fd, addr, len)
  HN_ACT_LISTEN,              // (fd, backlog)
  HN_ACT_OPEN,                // (path, flags)
  HN_ACT_OPENAT,              // (dirfd, path, flags)
  HN_ACT_OPENAT2,             // (dirfd, path, struct open_how *)
  HN_ACT_CREAT,               // (path, mode)
  HN_ACT_DIR_PATH,            // (path, ...): mkdir, rmdir, unlink, mknod
  HN_ACT_DIR_AT,              // (dirfd, path, ...): mkdirat, unlinkat, mknodat
  HN_ACT_RENAME,              // (old, new)
  HN_ACT_RENAMEAT,            // (olddirfd, old, newdirfd, new, ...): renameat, renameat2
  HN_ACT_LINK,                // (target, new): link, symlink (the new name only)
  HN_ACT_LINKAT,              // (olddirfd, old, newdirfd, new, flags): linkat
  HN_ACT_SYMLINKAT,           // (target, newdirfd, new)
  HN_ACT_WRITE_PATH,          // (path, ...): truncate, chmod, chown, lchown
  HN_ACT_WRITE_AT,            // (dirfd, path, ...): fchmodat, fchmodat2, fchownat
  HN_ACT_CLONE,               // (flags, ...)
  HN_ACT_CLONE3,              // (struct clone_args *, size)
  HN_ACT_UNSHARE,             // (flags)
  HN_ACT_SETNS,               // (fd, nstype)
  HN_ACT_MMAP,                // (addr, len, prot, ...)
  HN_ACT_MPROTECT,            // (addr, len, prot, ...): mprotect, pkey_mprotect
  HN_ACT_SHMAT,               // (id, addr, flags)
  HN_ACT_PERSONALITY,         // (persona)
  HN_ACT_SCHED_SETSCHEDULER,  // (pid, policy, param)
  HN_ACT_SCHED_SETATTR,       // (pid, struct sched_attr *, flags)
};

// How hn_cap_capable tells the silent checks (CAP_OPT_NOAUDIT: memory
// accounting, the _noaudit variants), which are no use of a capability,
// from the audited ones (hn_caps.mode).
enum hn_caps_mode {
  // Not told apart yet: every check counts (only while the loader
  // calibrates, before any target is set).
  HN_CAPS_UNDECIDED = 0,
  // One of hn_caps' address ranges on the kernel stack: the functions'
  // ranges from /proc/kallsyms, or single return addresses found by
  // calibration (hn_calibration) where kallsyms hides the addresses.
  HN_CAPS_STACK,
  // The system call the task is in (hn_task.nr, hn_sys_exit attached):
  // CAP_SYS_ADMIN outside a call, or in one of those whose memory
  // accounting checks it (hn_config.admin_quiet), is silent.
  HN_CAPS_SYSCALL_CONTEXT,
};

// Whether the CAP_SYS_ADMIN checks inside a system call count, in the
// system call context mode (hn_config.admin_quiet, per native number).
enum hn_quiet {
  HN_QUIET_NO = 0,  // audited: a use
  HN_QUIET_ALWAYS,  // silent: memory accounting (and seccomp's checks)
  HN_QUIET_CLONE,   // silent unless clone(2)'s flags create namespaces
  HN_QUIET_CLONE3,  // the same for clone3(2)'s struct clone_args
};

// hn_task.nr when the task is not inside a system call: in user space, so
// a check comes from a page fault (growing the stack) or a signal frame.
#define HN_NR_NONE (-1)
// Not known: the task has not entered a system call since it was first
// seen, or is a kernel thread of the unit (io_uring workers).
#define HN_NR_UNKNOWN (-2)

// The value of the per-task map (host thread id -> this).
struct hn_task {
  __u32 phase;  // enum Phase
  __s32 nr;     // HN_CAPS_SYSCALL_CONTEXT only: the system call it is in, HN_NR_*
};

// Writable after load (.bss): how checks are told apart.
struct hn_caps {
  __u32 mode;  // enum hn_caps_mode
  __u32 silent_count;
  // [lo, hi) kernel text ranges; a frame in one means a silent check.
  __u64 silent_lo[HN_SILENT_RANGES];
  __u64 silent_hi[HN_SILENT_RANGES];
};

// The loader's calibration (.bss): it triggers, from its own thread, one
// check of each kind that must be told apart; hn_cap_capable records the
// kernel stack of the first check of capability `cap` made meanwhile into
// the current slot. Where the stack of a silent kind parts from the
// audited one's is a return address that only that kind passes.
enum hn_calibration_slot {
  HN_CALIB_AUDITED = 0,  // ns_capable(CAP_SYS_ADMIN): setns(2) into our own UTS namespace
  HN_CALIB_MEMORY,       // memory accounting: a private writable mmap(2)
  HN_CALIB_NOAUDIT,      // ns_capable_noaudit(CAP_SYS_ADMIN): opening kernel.pid_max
  HN_CALIB_HAS_NOAUDIT,  // has_capability_noaudit(CAP_SYS_RESOURCE): writing oom_score_adj
  HN_CALIB_SLOTS,
};

struct hn_calibration {
  __u32 tid;   // the loader's thread while it calibrates, 0: not calibrating
  __u32 slot;  // enum hn_calibration_slot
  __s32 cap;   // the capability whose check is recorded
  __u32 padding;
  __s64 len[HN_CALIB_SLOTS];  // bytes of frames recorded (bpf_get_stack), 0: none yet
  __u64 frames[HN_CALIB_SLOTS][HN_STACK_FRAMES];
};

// Read-only after load (.rodata): filled by the loader.
struct hn_config {
  // The loader's PID namespace (/proc/self/ns/pid): event pids are its.
  __u64 pidns_dev;
  __u64 pidns_ino;
  __u8 action[HN_MAX_NR];       // enum hn_action
  __u8 admin_quiet[HN_MAX_NR];  // enum hn_quiet
};

// The single entry of the target map. The loader fills it; hn_cgroup_mkdir
// updates id and level when the unit's cgroup is created anew.
struct hn_target {
  __u64 id;         // cgroup id (kernfs node id), 0: none yet
  __u64 parent_id;  // its parent's
  __s32 level;      // its depth below the root, -1: not known yet
  // Whether `level` was read from a task in the cgroup (the loader's value
  // counts the directories it sees, which a cgroup namespace hides).
  __u32 level_exact;
  __u32 default_phase;  // of a task first seen in the cgroup (enum Phase)
  __u32 padding;
  char name[HN_NAME_MAX];
};

// One per phase (the stats map, indexed by phase).
struct hn_phase_stats {
  __u64 families;            // bit per AF_* below 64: socket(2)/socketpair(2) domains
  __u64 namespaces;          // CLONE_NEW* bits
  __u64 sched_policies;      // bit per SCHED_* policy below 64
  __u64 write_execute;       // non-zero: a W+X mapping was attempted
  __u64 caps_denied;         // bit per CAP_*: audited checks that failed
  __u64 caps[HN_CAP_SLOTS];  // audited checks per CAP_*
};

// Indexes of the counters map.
enum hn_counter {
  HN_CNT_PROCESSES = 0,  // tasks seen in the target
  HN_CNT_LOST,           // events the ring buffer had no room for
  HN_CNT_TRUNCATED,      // paths longer than HN_PATH_MAX
  HN_CNT_COUNT,
};

enum hn_event_type {
  HN_EV_FILE = 1,
  HN_EV_SOCKET,
  HN_EV_EXEC,
};

// hn_event.kind for HN_EV_FILE.
#define HN_FILE_WRITE 1u
#define HN_FILE_DIRECTORY 2u

// hn_event.op for HN_EV_SOCKET (the order of SocketUse::Op).
enum hn_socket_op {
  HN_SOCK_BIND = 0,
  HN_SOCK_CONNECT,
  HN_SOCK_LISTEN,
};

// HN_AT_FDCWD in hn_event.dirfd: relative to the working directory.
#define HN_AT_FDCWD (-100)
// hn_event.dirfd of an absolute path or a path-less event.
#define HN_NO_DIRFD (-1)

// What the ring buffer carries.
struct hn_event {
  __u32 type;   // enum hn_event_type
  __u32 phase;  // the phase the event belongs to (an exec: the one it entered)
  __s32 pid;    // thread group id in the loader's PID namespace, 0: not in it
  __s32 dirfd;  // what a relative path is relative to
  __u64 flags;  // open(2) flags
  __u32 kind;   // HN_FILE_* bits
  __u16 op;     // enum hn_socket_op
  __u16 family;
  __u16 sock_type;         // SOCK_* (0: unknown)
  __u16 port;              // host byte order
  __u32 addr_len;          // of the sockaddr passed (AF_UNIX: tells abstract names' length)
  __u8 addr[16];           // AF_INET: 4 bytes, AF_INET6: 16, network byte order
  char path[HN_PATH_MAX];  // file path, exec'd file name, or AF_UNIX sun_path (not terminated)
};
