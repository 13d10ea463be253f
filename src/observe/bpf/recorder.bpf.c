// The recorder's BPF programs (see observe/recorder.h). BTF-typed raw
// tracepoints only: they attach without tracefs and need no kprobes, which
// the machines this runs on lack. Every program first asks whether the
// current task belongs to the target cgroup subtree and returns at once
// when not; what the target's tasks do is aggregated in maps, and only
// file paths, socket addresses and exec'd file names go through the ring
// buffer, deduplicated here so that a busy service does not flood it.
// The kernel's types come first, as vmlinux.h would.
// clang-format off
#include "kernel_types.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
// clang-format on

#include "recorder_abi.h"

// GPL-compatible: bpf_probe_read_*, bpf_get_stack and the ring buffer are
// GPL-only helpers.
char LICENSE[] SEC("license") = "GPL";

const volatile struct hn_config hn_cfg = {};
// Set by the loader after load (see recorder_abi.h).
struct hn_caps hn_caps = {};
struct hn_calibration hn_calib = {};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct hn_target);
} hn_target SEC(".maps");

// Host thread id -> phase (and system call), for the target's tasks. Host
// ids, not the loader's namespace's: fork, exec and exit know tasks by those.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __type(key, __u32);
  __type(value, struct hn_task);
} hn_tasks SEC(".maps");

// phase * HN_MAX_NR + system call number -> calls.
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, HN_SYSCALL_SLOTS);
  __type(key, __u32);
  __type(value, __u64);
} hn_syscalls SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, HN_PHASES);
  __type(key, __u32);
  __type(value, struct hn_phase_stats);
} hn_stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, HN_CNT_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} hn_counters SEC(".maps");

// (phase << 32 | persona) of personality(2) calls.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 256);
  __type(key, __u64);
  __type(value, __u8);
} hn_personas SEC(".maps");

// Hashes of the events already sent.
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64);
  __type(value, __u8);
} hn_seen SEC(".maps");

// An event is built here (too large for the stack), sent only if new.
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct hn_event);
} hn_scratch SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 20);
} hn_events SEC(".maps");

// Kernel constants; the same on every architecture the recorder builds for.
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define SHM_EXEC 0100000
#define SCHED_RESET_ON_FORK 0x40000000
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define CLONE_NEWTIME 0x00000080ull
#define CLONE_NEWUSER 0x10000000ull
// CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. Not
// CLONE_NEWTIME for clone(2): there the low byte is the exit signal.
#define CLONE_NEW_MASK 0x7e020000ull

#define PHASE_SETUP 0
#define PHASE_SERVICE 1

#define FNV_OFFSET 14695981039346656037ull
#define FNV_PRIME 1099511628211ull

static __always_inline __u64 mix(__u64 h, __u64 v) { return (h ^ v) * FNV_PRIME; }

static __always_inline void count(__u32 which) {
  __u64* n = bpf_map_lookup_elem(&hn_counters, &which);
  if (n) __sync_fetch_and_add(n, 1);
}

// The target, if the current task is in its cgroup or below.
static __always_inline struct hn_target* current_target(void) {
  __u32 zero = 0;
  struct hn_target* t = bpf_map_lookup_elem(&hn_target, &zero);
  if (!t || !t->id) return 0;
  __u64 cgid = bpf_get_current_cgroup_id();
  if (cgid == t->id) {
    if (!t->level_exact) {
      struct task_struct* task = bpf_get_current_task_btf();
      t->level = BPF_CORE_READ(task, cgroups, dfl_cgrp, level);
      t->level_exact = 1;
    }
    return t;
  }
  if (t->level <= 0) return 0;
  if (bpf_get_current_ancestor_cgroup_id(t->level) != t->id) return 0;
  return t;
}

// The entry of a target task; a task seen for the first time gets the
// target's default phase (and is counted). 0 only when the map is full.
static __always_inline struct hn_task* task_of(struct hn_target* t, __u32 tid) {
  struct hn_task* p = bpf_map_lookup_elem(&hn_tasks, &tid);
  if (p) return p;
  struct hn_task fresh = {.phase = t->default_phase & 1, .nr = HN_NR_UNKNOWN};
  if (bpf_map_update_elem(&hn_tasks, &tid, &fresh, BPF_NOEXIST) == 0) count(HN_CNT_PROCESSES);
  return bpf_map_lookup_elem(&hn_tasks, &tid);
}

static __always_inline __u32 phase_of(struct hn_target* t, struct hn_task* task) {
  return (task ? task->phase : t->default_phase) & 1;
}

static __always_inline struct hn_phase_stats* stats_of(__u32 phase) {
  return bpf_map_lookup_elem(&hn_stats, &phase);
}

static __always_inline struct hn_event* scratch(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&hn_scratch, &zero);
}

static __always_inline __s32 ns_tgid(void) {
  struct bpf_pidns_info ns = {};
  if (bpf_get_ns_current_pid_tgid(hn_cfg.pidns_dev, hn_cfg.pidns_ino, &ns, sizeof(ns))) return 0;
  return (__s32)ns.tgid;
}

// Sends `ev` unless an event of the same `hash` was sent before.
static __always_inline void send_once(struct hn_event* ev, __u64 hash) {
  if (bpf_map_lookup_elem(&hn_seen, &hash)) return;
  __u8 one = 1;
  bpf_map_update_elem(&hn_seen, &hash, &one, BPF_ANY);
  ev->pid = ns_tgid();
  if (bpf_ringbuf_output(&hn_events, ev, sizeof(*ev), 0)) {
    // Forgotten again, so that the next occurrence has another chance.
    bpf_map_delete_elem(&hn_seen, &hash);
    count(HN_CNT_LOST);
  }
}

// The open file behind `fd` of the current task.
static __always_inline struct file* fd_file(int fd) {
  if (fd < 0) return 0;
  struct task_struct* task = bpf_get_current_task_btf();
  struct fdtable* fdt = BPF_CORE_READ(task, files, fdt);
  if ((unsigned int)fd >= BPF_CORE_READ(fdt, max_fds)) return 0;
  struct file** fds = BPF_CORE_READ(fdt, fd);
  struct file* f = 0;
  bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
  return f;
}

static __always_inline struct socket* fd_socket(int fd) {
  struct file* f = fd_file(fd);
  if (!f) return 0;
  if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK) return 0;
  return BPF_CORE_READ(f, private_data);
}

// What a relative path starts from, as an identity for deduplication only
// (the inode's address): the loader resolves the path itself.
static __always_inline __u64 dir_identity(int dirfd) {
  if (dirfd == HN_AT_FDCWD) {
    struct task_struct* task = bpf_get_current_task_btf();
    return (__u64)BPF_CORE_READ(task, fs, pwd.dentry, d_inode);
  }
  struct file* f = fd_file(dirfd);
  return f ? (__u64)BPF_CORE_READ(f, f_inode) : 0;
}

static __noinline void emit_path(__u32 phase, int dirfd, const char* upath, __u64 flags,
                                 __u32 kind) {
  struct hn_event* ev = scratch();
  if (!ev || !upath) return;
  long n = bpf_probe_read_user_str(ev->path, sizeof(ev->path), upath);
  if (n <= 1) return;  // faulted, or "" (AT_EMPTY_PATH: the fd itself)
  if (n == sizeof(ev->path)) count(HN_CNT_TRUNCATED);
  ev->type = HN_EV_FILE;
  ev->phase = phase;
  ev->flags = flags;
  ev->kind = kind;
  __u64 h = mix(mix(mix(FNV_OFFSET, HN_EV_FILE), phase), kind);
  h = mix(h, flags);
  if (ev->path[0] == '/') {
    ev->dirfd = HN_NO_DIRFD;
  } else {
    ev->dirfd = dirfd;
    __u64 dir = dir_identity(dirfd);
    h = mix(h, dir ? dir : ((__u64)bpf_get_current_pid_tgid() << 32 | (__u32)dirfd));
  }
  for (int i = 0; i < HN_PATH_MAX; i++) {
    if (i >= n - 1) break;
    h = mix(h, (__u8)ev->path[i]);
  }
  send_once(ev, h);
}

static __noinline void emit_socket(__u32 phase, __u32 op, int fd, const char* uaddr,
                                   __u32 addr_len) {
  struct hn_event* ev = scratch();
  if (!ev) return;
  ev->type = HN_EV_SOCKET;
  ev->phase = phase;
  ev->op = op;
  ev->dirfd = HN_NO_DIRFD;
  ev->flags = 0;
  ev->kind = 0;
  ev->port = 0;
  ev->addr_len = addr_len;
  __builtin_memset(ev->addr, 0, sizeof(ev->addr));
  __builtin_memset(ev->path, 0, HN_UNIX_PATH_MAX);
  struct socket* sock = fd_socket(fd);
  ev->sock_type = sock ? (__u16)BPF_CORE_READ(sock, type) : 0;
  __u16 family = 0;
  if (op == HN_SOCK_LISTEN) {
    // No address passed: the socket's own (bound, or bound now to a port
    // of the kernel's choice).
    if (!sock) return;
    struct sock* sk = BPF_CORE_READ(sock, sk);
    family = BPF_CORE_READ(sk, __sk_common.skc_family);
    ev->port = BPF_CORE_READ(sk, __sk_common.skc_num);
    if (family == AF_INET) {
      __u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
      __builtin_memcpy(ev->addr, &a, 4);
    } else if (family == AF_INET6 && bpf_core_field_exists(sk->__sk_common.skc_v6_rcv_saddr)) {
      BPF_CORE_READ_INTO(&ev->addr, sk, __sk_common.skc_v6_rcv_saddr);
    }
  } else {
    if (!uaddr || addr_len < 2) return;
    bpf_probe_read_user(&family, sizeof(family), uaddr);
    if (family == 0) return;  // AF_UNSPEC: connect(2) dissolving an association
    if (family == AF_INET) {
      __u16 port = 0;
      bpf_probe_read_user(&port, sizeof(port), uaddr + 2);
      ev->port = bpf_ntohs(port);
      bpf_probe_read_user(ev->addr, 4, uaddr + 4);
    } else if (family == AF_INET6) {
      __u16 port = 0;
      bpf_probe_read_user(&port, sizeof(port), uaddr + 2);
      ev->port = bpf_ntohs(port);
      bpf_probe_read_user(ev->addr, 16, uaddr + 8);
    } else if (family == AF_UNIX) {
      __u32 len = addr_len - 2;
      if (len > HN_UNIX_PATH_MAX) len = HN_UNIX_PATH_MAX;
      if (len > 0) bpf_probe_read_user(ev->path, len, uaddr + 2);
    }
  }
  ev->family = family;
  __u64 h = mix(mix(mix(FNV_OFFSET, HN_EV_SOCKET), phase), op);
  h = mix(mix(mix(h, family), ev->sock_type), ev->port);
  for (int i = 0; i < 16; i++) h = mix(h, ev->addr[i]);
  if (family == AF_UNIX) {
    for (int i = 0; i < HN_UNIX_PATH_MAX; i++) h = mix(h, (__u8)ev->path[i]);
  }
  send_once(ev, h);
}

#define ARG1 PT_REGS_PARM1_CORE_SYSCALL(regs)
#define ARG2 PT_REGS_PARM2_CORE_SYSCALL(regs)
#define ARG3 PT_REGS_PARM3_CORE_SYSCALL(regs)
#define ARG4 PT_REGS_PARM4_CORE_SYSCALL(regs)
#define WRITE_OPEN (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)
#define DIR_WRITE (HN_FILE_WRITE | HN_FILE_DIRECTORY)

static __always_inline __u32 open_kind(__u64 flags) {
  return (flags & WRITE_OPEN) ? HN_FILE_WRITE : 0;
}

static __always_inline void add_namespaces(__u32 phase, __u64 flags) {
  struct hn_phase_stats* s = stats_of(phase);
  if (s && flags) __sync_fetch_and_or(&s->namespaces, flags);
}

static __noinline void inspect(struct pt_regs* regs, __u32 action, __u32 phase) {
  struct hn_phase_stats* s;
  switch (action) {
    case HN_ACT_SOCKET: {
      __u64 family = ARG1;
      s = stats_of(phase);
      if (s && family < 64) __sync_fetch_and_or(&s->families, 1ull << family);
      break;
    }
    case HN_ACT_BIND:
      emit_socket(phase, HN_SOCK_BIND, (int)ARG1, (const char*)ARG2, (__u32)ARG3);
      break;
    case HN_ACT_CONNECT:
      emit_socket(phase, HN_SOCK_CONNECT, (int)ARG1, (const char*)ARG2, (__u32)ARG3);
      break;
    case HN_ACT_LISTEN:
      emit_socket(phase, HN_SOCK_LISTEN, (int)ARG1, 0, 0);
      break;
    case HN_ACT_OPEN: {
      __u64 flags = (__u32)ARG2;
      emit_path(phase, HN_AT_FDCWD, (const char*)ARG1, flags, open_kind(flags));
      break;
    }
    case HN_ACT_OPENAT: {
      __u64 flags = (__u32)ARG3;
      emit_path(phase, (int)ARG1, (const char*)ARG2, flags, open_kind(flags));
      break;
    }
    case HN_ACT_OPENAT2: {
      __u64 flags = 0;  // struct open_how starts with its flags
      bpf_probe_read_user(&flags, sizeof(flags), (const void*)ARG3);
      emit_path(phase, (int)ARG1, (const char*)ARG2, flags, open_kind(flags));
      break;
    }
    case HN_ACT_CREAT:
      emit_path(phase, HN_AT_FDCWD, (const char*)ARG1, O_CREAT | O_WRONLY | O_TRUNC, HN_FILE_WRITE);
      break;
    case HN_ACT_DIR_PATH:
      emit_path(phase, HN_AT_FDCWD, (const char*)ARG1, 0, DIR_WRITE);
      break;
    case HN_ACT_DIR_AT:
      emit_path(phase, (int)ARG1, (const char*)ARG2, 0, DIR_WRITE);
      break;
    case HN_ACT_RENAME:
      emit_path(phase, HN_AT_FDCWD, (const char*)ARG1, 0, DIR_WRITE);
      emit_path(phase, HN_AT_FDCWD, (const char*)ARG2, 0, DIR_WRITE);
      break;
    case HN_ACT_RENAMEAT:
      emit_path(phase, (int)ARG1, (const char*)ARG2, 0, DIR_WRITE);
      emit_path(phase, (int)ARG3, (const char*)ARG4, 0, DIR_WRITE);
      break;
    case HN_ACT_LINK:
      emit_path(phase, HN_AT_FDCWD, (const char*)ARG2, 0, DIR_WRITE);
      break;
    case HN_ACT_LINKAT:
      emit_path(phase, (int)ARG3, (const char*)ARG4, 0, DIR_WRITE);
      break;
    case HN_ACT_SYMLINKAT:
      emit_path(phase, (int)ARG2, (const char*)ARG3, 0, DIR_WRITE);
      break;
    case HN_ACT_WRITE_PATH:
      emit_path(phase, HN_AT_FDCWD, (const char*)ARG1, 0, HN_FILE_WRITE);
      break;
    case HN_ACT_WRITE_AT:
      emit_path(phase, (int)ARG1, (const char*)ARG2, 0, HN_FILE_WRITE);
      break;
    case HN_ACT_CLONE:
      add_namespaces(phase, ARG1 & CLONE_NEW_MASK);
      break;
    case HN_ACT_CLONE3: {
      __u64 flags = 0;  // struct clone_args starts with its flags
      bpf_probe_read_user(&flags, sizeof(flags), (const void*)ARG1);
      add_namespaces(phase, flags & (CLONE_NEW_MASK | CLONE_NEWTIME));
      break;
    }
    case HN_ACT_UNSHARE:
      add_namespaces(phase, ARG1 & (CLONE_NEW_MASK | CLONE_NEWTIME));
      break;
    case HN_ACT_SETNS:
      // nstype 0 (any type: the fd decides) adds nothing.
      add_namespaces(phase, ARG2 & (CLONE_NEW_MASK | CLONE_NEWTIME));
      break;
    case HN_ACT_MMAP:
      if ((ARG3 & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC)) {
        s = stats_of(phase);
        if (s) s->write_execute = 1;
      }
      break;
    case HN_ACT_MPROTECT:
      if (ARG3 & PROT_EXEC) {
        s = stats_of(phase);
        if (s) s->write_execute = 1;
      }
      break;
    case HN_ACT_SHMAT:
      if (ARG3 & SHM_EXEC) {
        s = stats_of(phase);
        if (s) s->write_execute = 1;
      }
      break;
    case HN_ACT_PERSONALITY: {
      __u32 persona = (__u32)ARG1;
      if (persona != 0xffffffffu) {
        __u64 key = (__u64)phase << 32 | persona;
        __u8 one = 1;
        bpf_map_update_elem(&hn_personas, &key, &one, BPF_ANY);
      }
      break;
    }
    case HN_ACT_SCHED_SETSCHEDULER: {
      __u64 policy = (__u32)ARG2 & ~SCHED_RESET_ON_FORK;
      s = stats_of(phase);
      if (s && policy < 64) __sync_fetch_and_or(&s->sched_policies, 1ull << policy);
      break;
    }
    case HN_ACT_SCHED_SETATTR: {
      __u32 policy = 0;  // struct sched_attr: __u32 size, __u32 sched_policy, ...
      if (bpf_probe_read_user(&policy, sizeof(policy), (const char*)ARG2 + 4)) break;
      s = stats_of(phase);
      if (s && policy < 64) __sync_fetch_and_or(&s->sched_policies, 1ull << policy);
      break;
    }
    default:
      break;
  }
}

SEC("tp_btf/sys_enter")
int BPF_PROG(hn_sys_enter, struct pt_regs* regs, long id) {
  struct hn_target* t = current_target();
  if (!t) return 0;
  struct hn_task* task = task_of(t, (__u32)bpf_get_current_pid_tgid());
  __u32 phase = phase_of(t, task);
  if (task && hn_caps.mode == HN_CAPS_SYSCALL_CONTEXT)
    task->nr = id >= 0 && id < HN_MAX_NR ? (__s32)id : HN_NR_UNKNOWN;
  if (id < 0 || id >= HN_MAX_NR) return 0;
  __u32 key = phase * HN_MAX_NR + (__u32)id;
  __u64* calls = bpf_map_lookup_elem(&hn_syscalls, &key);
  if (calls) *calls += 1;
  __u32 action = hn_cfg.action[id];
  if (action != HN_ACT_NONE) inspect(regs, action, phase);
  return 0;
}

// The end of a system call, for HN_CAPS_SYSCALL_CONTEXT only: the loader
// attaches this (a hit per system call on the whole host) in that mode
// alone. Also where a new task first returns to user space.
SEC("tp_btf/sys_exit")
int BPF_PROG(hn_sys_exit, struct pt_regs* regs, long ret) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct hn_task* task = bpf_map_lookup_elem(&hn_tasks, &tid);
  if (task) task->nr = HN_NR_NONE;
  return 0;
}

// A child inherits its parent's phase (threads too: the tracepoint fires
// for every new task). Its system call is unknown until it returns to user
// space (hn_sys_exit); a kernel thread of the unit never does.
SEC("tp_btf/sched_process_fork")
int BPF_PROG(hn_fork, struct task_struct* parent, struct task_struct* child) {
  __u32 parent_tid = BPF_CORE_READ(parent, pid);
  struct hn_task* p = bpf_map_lookup_elem(&hn_tasks, &parent_tid);
  struct hn_task entry = {.nr = HN_NR_UNKNOWN};
  if (p) {
    entry.phase = p->phase & 1;
  } else {
    struct hn_target* t = current_target();
    if (!t) return 0;
    entry.phase = phase_of(t, task_of(t, parent_tid));
  }
  __u32 child_tid = BPF_CORE_READ(child, pid);
  if (bpf_map_update_elem(&hn_tasks, &child_tid, &entry, BPF_ANY) == 0) count(HN_CNT_PROCESSES);
  return 0;
}

// Whether the `len` characters at `path` name systemd's executor: its
// base name is "systemd-executor" (compared from the end, unrolled, so that
// the verifier sees constant offsets from a bounded start).
#define EXECUTOR "/systemd-executor"
#define EXECUTOR_LEN 17
static __always_inline int is_executor(const char* path, long len) {
  if (len < EXECUTOR_LEN - 1 || len >= HN_PATH_MAX) return 0;
  int skip = len == EXECUTOR_LEN - 1;  // the base name alone: no '/'
  long start = len - EXECUTOR_LEN + skip;
#pragma clang loop unroll(full)
  for (int i = 0; i < EXECUTOR_LEN; i++) {
    if (i < skip) continue;
    if (path[(start + i) & (HN_PATH_MAX - 1)] != EXECUTOR[i]) return 0;
  }
  return 1;
}

// The exec of the unit's command starts the service phase; systemd (255
// and later) first execs its systemd-executor, which is still the set-up.
SEC("tp_btf/sched_process_exec")
int BPF_PROG(hn_exec, struct task_struct* p, int old_pid, struct linux_binprm* bprm) {
  struct hn_target* t = current_target();
  if (!t) return 0;
  __u32 tid = BPF_CORE_READ(p, pid);
  struct hn_task* task = task_of(t, tid);
  __u32 phase = phase_of(t, task);
  if ((__u32)old_pid != tid) bpf_map_delete_elem(&hn_tasks, &old_pid);
  struct hn_event* ev = scratch();
  if (!ev) return 0;
  long n = bpf_probe_read_kernel_str(ev->path, sizeof(ev->path), BPF_CORE_READ(bprm, filename));
  if (n <= 0) n = 0;
  if (n == sizeof(ev->path)) count(HN_CNT_TRUNCATED);
  if (!is_executor(ev->path, n - 1)) phase = PHASE_SERVICE;
  if (task) task->phase = phase;
  if (n <= 1) return 0;
  ev->type = HN_EV_EXEC;
  ev->phase = phase;
  ev->dirfd = ev->path[0] == '/' ? HN_NO_DIRFD : HN_AT_FDCWD;
  ev->flags = 0;
  ev->kind = 0;
  __u64 h = mix(mix(FNV_OFFSET, HN_EV_EXEC), phase);
  if (ev->dirfd != HN_NO_DIRFD) h = mix(h, dir_identity(HN_AT_FDCWD));
  for (int i = 0; i < HN_PATH_MAX; i++) {
    if (i >= n - 1) break;
    h = mix(h, (__u8)ev->path[i]);
  }
  send_once(ev, h);
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(hn_exit, struct task_struct* p) {
  __u32 tid = BPF_CORE_READ(p, pid);
  bpf_map_delete_elem(&hn_tasks, &tid);
  return 0;
}

// The manager creates a fresh cgroup each time the unit starts: the one of
// the target's name below the target's parent, on the unified hierarchy
// (hybrid hosts mirror cgroups into v1 hierarchies too; those have other
// hierarchy ids), becomes the target, and its tasks start in the set-up.
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(hn_cgroup_mkdir, struct cgroup* cgrp, const char* path) {
  __u32 zero = 0;
  struct hn_target* t = bpf_map_lookup_elem(&hn_target, &zero);
  if (!t || !t->parent_id || !t->name[0]) return 0;
  if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0) return 0;
  struct cgroup_subsys_state* parent_css = BPF_CORE_READ(cgrp, self.parent);
  if (!parent_css) return 0;
  struct cgroup* parent =
      (struct cgroup*)((char*)parent_css - bpf_core_field_offset(struct cgroup, self));
  if (BPF_CORE_READ(parent, kn, id) != t->parent_id) return 0;
  struct hn_event* ev = scratch();
  if (!ev) return 0;
  long n = bpf_probe_read_kernel_str(ev->path, sizeof(ev->path), BPF_CORE_READ(cgrp, kn, name));
  if (n <= 1) return 0;
  for (int i = 0; i < HN_NAME_MAX && i < HN_PATH_MAX; i++) {
    if (ev->path[i] != t->name[i]) return 0;
    if (!ev->path[i]) break;
  }
  t->id = BPF_CORE_READ(cgrp, kn, id);
  t->level = BPF_CORE_READ(cgrp, level);
  t->level_exact = 1;
  t->default_phase = PHASE_SETUP;
  return 0;
}

// Whether the check is silent (CAP_OPT_NOAUDIT), which the tracepoint
// does not say: a frame of the kernel stack in one of hn_caps' ranges
// (kernel functions that check silently, from /proc/kallsyms, or the
// return addresses calibration found; see recorder.cc).
static __always_inline int silent_stack(void* ctx) {
  __u64 frames[HN_STACK_FRAMES];
  long n = bpf_get_stack(ctx, frames, sizeof(frames), 0);
  if (n <= 0) return 0;
  for (int i = 0; i < HN_STACK_FRAMES; i++) {
    if (i * 8 >= n) break;
    for (int j = 0; j < HN_SILENT_RANGES; j++) {
      if (j >= hn_caps.silent_count) break;
      if (frames[i] >= hn_caps.silent_lo[j] && frames[i] < hn_caps.silent_hi[j]) return 1;
    }
  }
  return 0;
}

// The same told from the system call the task is in (HN_CAPS_SYSCALL_CONTEXT),
// for CAP_SYS_ADMIN only: memory accounting checks it silently; clone(2)
// and clone3(2) check it audited too when they create namespaces (a user
// namespace alone needs no capability).
#define CLONE_NEW_ADMIN (CLONE_NEW_MASK & ~CLONE_NEWUSER)
static __always_inline int silent_context(const struct hn_task* task) {
  __s32 nr = task->nr;
  if (nr == HN_NR_NONE) return 1;
  if (nr < 0 || nr >= HN_MAX_NR) return 0;
  __u8 quiet = hn_cfg.admin_quiet[nr];
  if (quiet == HN_QUIET_ALWAYS) return 1;
  if (quiet != HN_QUIET_CLONE && quiet != HN_QUIET_CLONE3) return 0;
  struct pt_regs* regs = (struct pt_regs*)bpf_task_pt_regs(bpf_get_current_task_btf());
  __u64 flags = 0;
  if (quiet == HN_QUIET_CLONE) return !(ARG1 & CLONE_NEW_ADMIN);
  if (bpf_probe_read_user(&flags, sizeof(flags), (const void*)ARG1)) return 0;
  return !(flags & (CLONE_NEW_ADMIN | CLONE_NEWTIME));
}

// While the loader calibrates: the first check of the capability it waits
// for, made by its own thread, goes into the current slot (nothing else
// of its thread counts). Its thread id is the one of its PID namespace.
static __always_inline int calibrating(void* ctx, int cap) {
  __u32 tid = hn_calib.tid;
  if (!tid) return 0;
  struct bpf_pidns_info ns = {};
  if (bpf_get_ns_current_pid_tgid(hn_cfg.pidns_dev, hn_cfg.pidns_ino, &ns, sizeof(ns))) return 0;
  if (ns.pid != tid) return 0;
  __u32 slot = hn_calib.slot;
  if (slot < HN_CALIB_SLOTS && cap == hn_calib.cap && hn_calib.len[slot] == 0) {
    long n = bpf_get_stack(ctx, hn_calib.frames[slot], sizeof(hn_calib.frames[slot]), 0);
    hn_calib.len[slot] = n != 0 ? n : -1;
  }
  return 1;
}

// Linux 6.14 and later; the loader does not load it where the kernel lacks
// the tracepoint.
SEC("tp_btf/cap_capable")
int BPF_PROG(hn_cap_capable, const struct cred* cred, struct user_namespace* target_ns,
             const struct user_namespace* capable_ns, int cap, int ret) {
  if (calibrating(ctx, cap)) return 0;
  struct hn_target* t = current_target();
  if (!t) return 0;
  if (cap < 0 || cap >= HN_CAP_SLOTS) return 0;
  struct hn_task* task = task_of(t, (__u32)bpf_get_current_pid_tgid());
  if (hn_caps.mode == HN_CAPS_SYSCALL_CONTEXT) {
    if (cap == HN_CAP_SYS_ADMIN && task && silent_context(task)) return 0;
  } else if (hn_caps.mode == HN_CAPS_STACK) {
    if (silent_stack(ctx)) return 0;
  }
  struct hn_phase_stats* s = stats_of(phase_of(t, task));
  if (!s) return 0;
  __sync_fetch_and_add(&s->caps[cap], 1);
  if (ret) __sync_fetch_and_or(&s->caps_denied, 1ull << cap);
  return 0;
}
