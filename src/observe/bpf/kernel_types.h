// The few kernel structures the recorder's BPF programs read, declared by
// hand with only the members used. preserve_access_index makes every access
// a CO-RE relocation: libbpf finds each member by name in the running
// kernel's BTF (/sys/kernel/btf/vmlinux) at load time, so neither the order
// nor the offsets here need to match any kernel; a member the kernel lacks
// fails the load with the member's name. This takes the place of a
// vmlinux.h generated from the build machine's kernel (packaging builds have
// none), hence __VMLINUX_H__: bpf_tracing.h then names pt_regs members the
// kernel's way (di, si, ...), not the user-space way (rdi, rsi, ...).
#pragma once

#define __VMLINUX_H__

#include <linux/bpf.h>
#include <linux/types.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

#if defined(__TARGET_ARCH_x86)
struct pt_regs {
  unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
  unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
#elif defined(__TARGET_ARCH_arm64)
// bpf_tracing.h reads arm64 system call arguments through user_pt_regs
// (regs[0..5]) and the first through its own pt_regs___arm64 (orig_x0).
struct user_pt_regs {
  __u64 regs[31];
  __u64 sp;
  __u64 pc;
  __u64 pstate;
};
struct pt_regs {
  struct user_pt_regs user_regs;
  __u64 orig_x0;
};
#else
#error "the recorder knows the system call registers of x86 and arm64 only"
#endif

struct kernfs_node {
  const char* name;
  __u64 id;  // the cgroup id (bpf_get_current_cgroup_id, the directory's inode)
};

struct cgroup_subsys_state {
  struct cgroup_subsys_state* parent;
};

struct cgroup_root {
  int hierarchy_id;  // 0: the default (unified, v2) hierarchy
};

struct cgroup {
  struct cgroup_subsys_state self;  // its parent is the parent cgroup's self
  int level;
  struct kernfs_node* kn;
  struct cgroup_root* root;
};

struct css_set {
  struct cgroup* dfl_cgrp;
};

struct inode {
  unsigned short i_mode;
};

struct dentry {
  struct inode* d_inode;
};

struct path {
  struct dentry* dentry;
};

struct fs_struct {
  struct path pwd;
};

struct file {
  struct inode* f_inode;
  void* private_data;  // struct socket * for a socket
};

struct fdtable {
  unsigned int max_fds;
  struct file** fd;
};

struct files_struct {
  struct fdtable* fdt;
};

struct in6_addr {
  __u8 s6_addr[16];
};

// The kernel's members sit in anonymous unions; CO-RE finds them there.
struct sock_common {
  __u32 skc_rcv_saddr;  // network byte order
  __u16 skc_num;        // local port, host byte order
  unsigned short skc_family;
  struct in6_addr skc_v6_rcv_saddr;
};

struct sock {
  struct sock_common __sk_common;
};

struct socket {
  short type;
  struct sock* sk;
};

struct task_struct {
  int pid;
  int tgid;
  struct css_set* cgroups;
  struct files_struct* files;
  struct fs_struct* fs;
};

struct linux_binprm {
  const char* filename;
};

#pragma clang attribute pop

// Only passed on as pointers.
struct cred;
struct user_namespace;
