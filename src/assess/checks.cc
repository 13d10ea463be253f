#include "assess/checks.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <map>

namespace hardnut {

namespace {

CheckOutcome bad(uint64_t badness) { return CheckOutcome{badness, {}}; }

// A literal is borrowed; a composed description is owned.
CheckOutcome bad(uint64_t badness, const char* literal) {
  CheckOutcome o{badness, {}};
  if (*literal) o.description = DescriptionText::borrowed(literal);
  return o;
}

CheckOutcome bad(uint64_t badness, std::string description) {
  CheckOutcome o{badness, {}};
  if (!description.empty()) o.description = DescriptionText::owned(std::move(description));
  return o;
}

bool is_root_name(const std::optional<std::string>& user) {
  return user && (*user == "0" || *user == "root");
}

bool runs_privileged(const ExecSettings& s) {
  return is_root_name(s.user) || (!s.dynamic_user && (!s.user || s.user->empty()));
}

bool is_true_spelling(const std::string& v) { return v == "yes"; }

const SystemdVersion& version_of(const RuleContext& ctx) {
  return ctx.version ? *ctx.version : default_systemd_version();
}

// Whether the version knows that a user manager's services run as the
// calling user, and this is one.
bool runs_as_calling_user(const ExecSettings& s, const RuleContext& r) {
  return s.user_scope && r.version && r.version->judges_user_scope;
}

CheckOutcome user_rule(const ExecSettings& s, const Check&, const RuleContext& r) {
  if (runs_as_calling_user(s, r) && runs_privileged(s))
    return bad(0, "Service runs under the calling user's identity");
  if (s.user && *s.user == "nobody")
    return bad(9, "Service runs under as 'nobody' user, which should not be used for services");
  if (s.dynamic_user && !is_root_name(s.user))
    return bad(0, "Service runs under a transient non-root user identity");
  if (s.user && !s.user->empty() && !is_root_name(s.user))
    return bad(0, "Service runs under a static non-root user identity");
  return bad(10);
}

CheckOutcome supplementary_groups_rule(const ExecSettings& s, const Check&, const RuleContext& r) {
  if (runs_privileged(s) && !runs_as_calling_user(s, r)) return bad(kNotApplicable);
  return bad(s.supplementary_groups.empty() ? 0 : 1);
}

CheckOutcome remove_ipc_rule(const ExecSettings& s, const Check&, const RuleContext& r) {
  if (runs_as_calling_user(s, r))
    return bad(kNotApplicable, "RemoveIPC= has no effect on per-user services");
  if (runs_privileged(s)) return bad(kNotApplicable);
  return bad(s.remove_ipc ? 0 : 1);
}

CheckOutcome bool_rule(const ExecSettings& s, const Check& c, const RuleContext&) {
  return bad(s.*c.setting ? 0 : 1);
}

CheckOutcome delegate_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  return bad(s.delegate ? 1 : 0);
}

CheckOutcome protect_home_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  if (is_true_spelling(s.protect_home)) return bad(0, "Service has no access to home directories");
  if (s.protect_home == "read-only")
    return bad(5, "Service has read-only access to home directories");
  if (s.protect_home == "tmpfs") return bad(1, "Service has access to fake empty home directories");
  return bad(10, "Service has full access to home directories");
}

CheckOutcome protect_system_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  if (is_true_spelling(s.protect_system))
    return bad(5, "Service has limited write access to the OS file hierarchy");
  if (s.protect_system == "full")
    return bad(3, "Service has very limited write access to the OS file hierarchy");
  if (s.protect_system == "strict")
    return bad(0, "Service has strict read-only access to the OS file hierarchy");
  return bad(10, "Service has full access to the OS file hierarchy");
}

bool empty_or_root(const std::string& path) {
  return path.empty() || path.find_first_not_of('/') == std::string::npos;
}

CheckOutcome root_directory_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  return bad(empty_or_root(s.root_directory) && empty_or_root(s.root_image) ? 1 : 0);
}

CheckOutcome capability_rule(const ExecSettings& s, const Check& c, const RuleContext&) {
  return bad((s.capability_bounding_set & c.bits) ? 1 : 0);
}

CheckOutcome ambient_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  return bad(s.ambient_capabilities ? 1 : 0);
}

CheckOutcome umask_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  if (!(s.umask & 0002)) return bad(10, "Files created by service are world-writable by default");
  if (!(s.umask & 0004)) return bad(5, "Files created by service are world-readable by default");
  if (!(s.umask & 0020)) return bad(2, "Files created by service are group-writable by default");
  if (!(s.umask & 0040)) return bad(1, "Files created by service are group-readable by default");
  return bad(0, "Files created by service are accessible only by service's own user by default");
}

CheckOutcome keyring_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  return bad(s.keyring_mode == "private" ? 0 : 1);
}

CheckOutcome protect_proc_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  if (s.protect_proc == "noaccess") return bad(1);
  if (s.protect_proc == "invisible" || s.protect_proc == "ptraceable") return bad(0);
  return bad(3);
}

CheckOutcome proc_subset_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  return bad(s.proc_subset == "pid" ? 0 : 1);
}

CheckOutcome notify_access_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  return bad(s.notify_access == "all" ? 1 : 0);
}

CheckOutcome namespace_rule(const ExecSettings& s, const Check& c, const RuleContext&) {
  return bad((s.restrict_namespaces & c.bits) ? 1 : 0);
}

// Address family groups of the RestrictAddressFamilies= checks.
enum AddressFamilyGroup : uint64_t { kAfInet, kAfUnix, kAfNetlink, kAfPacket, kAfOther };

AddressFamilyGroup group_of(int family) {
  switch (family) {
    case AF_INET:
    case AF_INET6:
      return kAfInet;
    case AF_UNIX:
      return kAfUnix;
    case AF_NETLINK:
      return kAfNetlink;
    case AF_PACKET:
      return kAfPacket;
    default:
      return kAfOther;
  }
}

CheckOutcome address_family_rule(const ExecSettings& s, const Check& c, const RuleContext&) {
  bool restricted = s.address_families_allow_list;
  for (int f : s.address_families)
    if (f != 0 && group_of(f) == c.bits) restricted = !s.address_families_allow_list;
  return bad(restricted ? 0 : 1);
}

CheckOutcome architectures_rule(const ExecSettings& s, const Check&, const RuleContext&) {
  if (s.system_call_architectures.empty())
    return bad(10, "Service may execute system calls with all ABIs");
  if (s.system_call_architectures.size() == 1 && s.system_call_architectures.count("native"))
    return bad(0, "Service may execute system calls only with native ABI");
  return bad(8, "Service may execute system calls with multiple ABIs");
}

CheckOutcome syscall_rule(const ExecSettings& s, const Check& c, const RuleContext& ctx) {
  const SystemdVersion& v = version_of(ctx);
  bool allow = s.system_call_filter_allow_list;
  if (!allow && s.system_call_filter.empty())
    return bad(10, "Service does not filter system calls");
  std::string group(c.syscall_group);
  std::string list = "System call " + std::string(allow ? v.allow_list : v.deny_list) +
                     " defined for service, and " + group;
  static const std::vector<SyscallRef> kNone;
  const std::vector<SyscallRef>* members = ctx.syscalls.resolved_resolvable_members(group);
  for (const SyscallRef& ref : members ? *members : kNone) {
    if (s.system_call_filter.contains(ref.slot, ref.name) != allow) continue;
    const std::string& name = ref.name;
    std::string offender = v.names_offending_syscall ? " (e.g. " + name + " is allowed)" : "";
    if (allow) return bad(9, list + " is included" + offender);
    return bad(10, list + " is not included" + offender);
  }
  if (allow) return bad(0, list + " is not included");
  return bad(v.deny_list_included_badness, list + " is included");
}

bool is_localhost(const IpPrefix& p, bool online) {
  if (p.family == AF_INET) {
    if (online && p.prefix_length != 8) return false;
    return p.address[0] == 127;
  }
  static const unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (online && p.prefix_length != 128) return false;
  return std::equal(p.address, p.address + 16, kLoopback6);
}

CheckOutcome ip_address_rule(const ExecSettings& s, const Check&, const RuleContext& ctx) {
  if (!s.ip_ingress_filter_path.empty() || !s.ip_egress_filter_path.empty())
    return bad(0, "Service defines custom ingress/egress IP filters with BPF programs");
  bool deny4 = false, deny6 = false;
  for (const auto& p : s.ip_address_deny) {
    if (p.prefix_length != 0) continue;
    (p.family == AF_INET ? deny4 : deny6) = true;
  }
  std::string allow_list(version_of(ctx).allow_list);
  if (!(deny4 && deny6)) return bad(10, "Service does not define an IP address " + allow_list);
  bool localhost = false, other = false;
  for (const auto& p : s.ip_address_allow) (is_localhost(p, ctx.online) ? localhost : other) = true;
  if (other)
    return bad(5, "Service defines IP address " + allow_list + " with non-localhost entries");
  if (localhost)
    return bad(2, "Service defines IP address " + allow_list + " with only localhost entries");
  return bad(0, "Service blocks all IP address ranges");
}

CheckOutcome device_allow_rule(const ExecSettings& s, const Check&, const RuleContext& ctx) {
  if (s.device_policy != "strict" && s.device_policy != "closed")
    return bad(10, "Service has no device ACL");
  if (s.device_allow.empty()) return bad(0, "Service has a minimal device ACL");
  if (!version_of(ctx).device_acl_lists_devices)
    return bad(5, "Service has a device ACL with some special devices");
  std::string list;
  for (const auto& e : s.device_allow) list += (list.empty() ? "" : " ") + e;
  return bad(5, "Service has a device ACL with some special devices: " + list);
}

constexpr uint64_t cap(int n) { return uint64_t{1} << n; }

using S = ExecSettings;

// Shorthands for the most common row shapes.
Check boolean(std::string_view name, std::string_view json, unsigned weight, bool S::*setting,
              std::string_view good, std::string_view bad_text, bool dd_only = false) {
  Check c{name, json, json, weight, 1, dd_only, good, bad_text, {}, bool_rule};
  c.setting = setting;
  return c;
}

Check capability(std::string_view name, std::string_view json, unsigned weight, uint64_t mask,
                 std::string_view good, std::string_view bad_text) {
  Check c{name,     json, "CapabilityBoundingSet", weight, 1, false, good,
          bad_text, {},   capability_rule};
  c.bits = mask;
  return c;
}

Check restrict_ns(std::string_view type, std::string_view json, unsigned weight, uint64_t flag,
                  std::string_view good, std::string_view bad_text) {
  Check c{type, json, "RestrictNamespaces", weight, 1, false, good, bad_text, {}, namespace_rule};
  c.bits = flag;
  return c;
}

Check restrict_af(std::string_view name, std::string_view json, unsigned weight, uint64_t group,
                  std::string_view good, std::string_view bad_text) {
  Check c{name,     json, "RestrictAddressFamilies", weight, 1, false, good,
          bad_text, {},   address_family_rule};
  c.bits = group;
  return c;
}

Check syscall_group(std::string_view name, std::string_view json, unsigned weight,
                    std::string_view group) {
  Check c{name, json, "SystemCallFilter", weight, 10, false, {}, {}, {}, syscall_rule};
  c.syscall_group = group;
  return c;
}

std::vector<Check> build_v252() {
  return {
      {"User=/DynamicUser=",
       "UserOrDynamicUser",
       "User",
       2000,
       10,
       false,
       {},
       "Service runs as root user",
       {},
       user_rule},
      {"SupplementaryGroups=", "SupplementaryGroups", "SupplementaryGroups", 200, 1, false,
       "Service has no supplementary groups", "Service runs with supplementary groups",
       "Service runs as root, option does not matter", supplementary_groups_rule},
      boolean("PrivateDevices=", "PrivateDevices", 1000, &S::private_devices,
              "Service has no access to hardware devices",
              "Service potentially has access to hardware devices"),
      boolean("PrivateMounts=", "PrivateMounts", 1000, &S::private_mounts,
              "Service cannot install system mounts", "Service may install system mounts"),
      boolean("PrivateNetwork=", "PrivateNetwork", 2500, &S::private_network,
              "Service has no access to the host's network",
              "Service has access to the host's network"),
      boolean("PrivateTmp=", "PrivateTmp", 1000, &S::private_tmp,
              "Service has no access to other software's temporary files",
              "Service has access to other software's temporary files", true),
      boolean("PrivateUsers=", "PrivateUsers", 1000, &S::private_users,
              "Service does not have access to other users", "Service has access to other users"),
      boolean("ProtectControlGroups=", "ProtectControlGroups", 1000, &S::protect_control_groups,
              "Service cannot modify the control group file system",
              "Service may modify the control group file system"),
      boolean("ProtectKernelModules=", "ProtectKernelModules", 1000, &S::protect_kernel_modules,
              "Service cannot load or read kernel modules",
              "Service may load or read kernel modules"),
      boolean("ProtectKernelTunables=", "ProtectKernelTunables", 1000, &S::protect_kernel_tunables,
              "Service cannot alter kernel tunables (/proc/sys, \xe2\x80\xa6)",
              "Service may alter kernel tunables"),
      boolean("ProtectKernelLogs=", "ProtectKernelLogs", 1000, &S::protect_kernel_logs,
              "Service cannot read from or write to the kernel log ring buffer",
              "Service may read from or write to the kernel log ring buffer"),
      boolean("ProtectClock=", "ProtectClock", 1000, &S::protect_clock,
              "Service cannot write to the hardware clock or system clock",
              "Service may write to the hardware clock or system clock"),
      {"ProtectHome=", "ProtectHome", "ProtectHome", 1000, 10, true, {}, {}, {}, protect_home_rule},
      boolean("ProtectHostname=", "ProtectHostname", 50, &S::protect_hostname,
              "Service cannot change system host/domainname",
              "Service may change system host/domainname"),
      {"ProtectSystem=",
       "ProtectSystem",
       "ProtectSystem",
       1000,
       10,
       true,
       {},
       {},
       {},
       protect_system_rule},
      {"RootDirectory=/RootImage=",
       "RootDirectoryOrRootImage",
       "RootDirectory",
       200,
       1,
       true,
       "Service has its own root directory/image",
       "Service runs within the host's root directory",
       {},
       root_directory_rule},
      boolean("LockPersonality=", "LockPersonality", 100, &S::lock_personality,
              "Service cannot change ABI personality", "Service may change ABI personality"),
      boolean("MemoryDenyWriteExecute=", "MemoryDenyWriteExecute", 100,
              &S::memory_deny_write_execute,
              "Service cannot create writable executable memory mappings",
              "Service may create writable executable memory mappings"),
      boolean("NoNewPrivileges=", "NoNewPrivileges", 1000, &S::no_new_privileges,
              "Service processes cannot acquire new privileges",
              "Service processes may acquire new privileges"),
      capability("CapabilityBoundingSet=~CAP_SYS_ADMIN", "CapabilityBoundingSet_CAP_SYS_ADMIN",
                 1500, cap(21), "Service has no administrator privileges",
                 "Service has administrator privileges"),
      capability("CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)",
                 "CapabilityBoundingSet_CAP_SET_UID_GID_PCAP", 1500, cap(6) | cap(7) | cap(8),
                 "Service cannot change UID/GID identities/capabilities",
                 "Service may change UID/GID identities/capabilities"),
      capability("CapabilityBoundingSet=~CAP_SYS_PTRACE", "CapabilityBoundingSet_CAP_SYS_PTRACE",
                 1500, cap(19), "Service has no ptrace() debugging abilities",
                 "Service has ptrace() debugging abilities"),
      capability("CapabilityBoundingSet=~CAP_SYS_TIME", "CapabilityBoundingSet_CAP_SYS_TIME", 1000,
                 cap(25), "Service processes cannot change the system clock",
                 "Service processes may change the system clock"),
      capability("CapabilityBoundingSet=~CAP_NET_ADMIN", "CapabilityBoundingSet_CAP_NET_ADMIN",
                 1000, cap(12), "Service has no network configuration privileges",
                 "Service has network configuration privileges"),
      capability("CapabilityBoundingSet=~CAP_SYS_RAWIO", "CapabilityBoundingSet_CAP_SYS_RAWIO",
                 1000, cap(17), "Service has no raw I/O access", "Service has raw I/O access"),
      capability("CapabilityBoundingSet=~CAP_SYS_MODULE", "CapabilityBoundingSet_CAP_SYS_MODULE",
                 1000, cap(16), "Service cannot load kernel modules",
                 "Service may load kernel modules"),
      capability("CapabilityBoundingSet=~CAP_AUDIT_*", "CapabilityBoundingSet_CAP_AUDIT", 500,
                 cap(29) | cap(30) | cap(37), "Service has no audit subsystem access",
                 "Service has audit subsystem access"),
      capability("CapabilityBoundingSet=~CAP_SYSLOG", "CapabilityBoundingSet_CAP_SYSLOG", 500,
                 cap(34), "Service has no access to kernel logging",
                 "Service has access to kernel logging"),
      capability("CapabilityBoundingSet=~CAP_SYS_(NICE|RESOURCE)",
                 "CapabilityBoundingSet_CAP_SYS_NICE_RESOURCE", 500, cap(23) | cap(24),
                 "Service has no privileges to change resource use parameters",
                 "Service has privileges to change resource use parameters"),
      capability("CapabilityBoundingSet=~CAP_MKNOD", "CapabilityBoundingSet_CAP_MKNOD", 500,
                 cap(27), "Service cannot create device nodes", "Service may create device nodes"),
      capability("CapabilityBoundingSet=~CAP_(CHOWN|FSETID|SETFCAP)",
                 "CapabilityBoundingSet_CAP_CHOWN_FSETID_SETFCAP", 1000, cap(0) | cap(4) | cap(31),
                 "Service cannot change file ownership/access mode/capabilities",
                 "Service may change file ownership/access mode/capabilities unrestricted"),
      capability("CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)",
                 "CapabilityBoundingSet_CAP_DAC_FOWNER_IPC_OWNER", 1000,
                 cap(1) | cap(2) | cap(3) | cap(15),
                 "Service cannot override UNIX file/IPC permission checks",
                 "Service may override UNIX file/IPC permission checks"),
      capability("CapabilityBoundingSet=~CAP_KILL", "CapabilityBoundingSet_CAP_KILL", 500, cap(5),
                 "Service cannot send UNIX signals to arbitrary processes",
                 "Service may send UNIX signals to arbitrary processes"),
      // The closing parenthesis in the JSON field is systemd's typo, kept for parity.
      capability("CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)",
                 "CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)", 500,
                 cap(10) | cap(11) | cap(13), "Service has no elevated networking privileges",
                 "Service has elevated networking privileges"),
      capability("CapabilityBoundingSet=~CAP_SYS_BOOT", "CapabilityBoundingSet_CAP_SYS_BOOT", 100,
                 cap(22), "Service cannot issue reboot()", "Service may issue reboot()"),
      capability("CapabilityBoundingSet=~CAP_MAC_*", "CapabilityBoundingSet_CAP_MAC", 100,
                 cap(32) | cap(33), "Service cannot adjust SMACK MAC",
                 "Service may adjust SMACK MAC"),
      capability("CapabilityBoundingSet=~CAP_LINUX_IMMUTABLE",
                 "CapabilityBoundingSet_CAP_LINUX_IMMUTABLE", 75, cap(9),
                 "Service cannot mark files immutable", "Service may mark files immutable"),
      capability("CapabilityBoundingSet=~CAP_IPC_LOCK", "CapabilityBoundingSet_CAP_IPC_LOCK", 50,
                 cap(14), "Service cannot lock memory into RAM",
                 "Service may lock memory into RAM"),
      capability("CapabilityBoundingSet=~CAP_SYS_CHROOT", "CapabilityBoundingSet_CAP_SYS_CHROOT",
                 50, cap(18), "Service cannot issue chroot()", "Service may issue chroot()"),
      capability("CapabilityBoundingSet=~CAP_BLOCK_SUSPEND",
                 "CapabilityBoundingSet_CAP_BLOCK_SUSPEND", 25, cap(36),
                 "Service cannot establish wake locks", "Service may establish wake locks"),
      capability("CapabilityBoundingSet=~CAP_WAKE_ALARM", "CapabilityBoundingSet_CAP_WAKE_ALARM",
                 25, cap(35), "Service cannot program timers that wake up the system",
                 "Service may program timers that wake up the system"),
      capability("CapabilityBoundingSet=~CAP_LEASE", "CapabilityBoundingSet_CAP_LEASE", 25, cap(28),
                 "Service cannot create file leases", "Service may create file leases"),
      capability("CapabilityBoundingSet=~CAP_SYS_TTY_CONFIG",
                 "CapabilityBoundingSet_CAP_SYS_TTY_CONFIG", 25, cap(26),
                 "Service cannot issue vhangup()", "Service may issue vhangup()"),
      capability("CapabilityBoundingSet=~CAP_SYS_PACCT", "CapabilityBoundingSet_CAP_SYS_PACCT", 25,
                 cap(20), "Service cannot use acct()", "Service may use acct()"),
      capability("CapabilityBoundingSet=~CAP_BPF", "CapabilityBoundingSet_CAP_BPF", 25, cap(39),
                 "Service may not load BPF programs", "Service may load BPF programs"),
      {"UMask=", "UMask", "UMask", 100, 10, false, {}, {}, {}, umask_rule},
      {"KeyringMode=",
       "KeyringMode",
       "KeyringMode",
       1000,
       1,
       false,
       "Service doesn't share key material with other services",
       "Service shares key material with other service",
       {},
       keyring_rule},
      {"ProtectProc=",
       "ProtectProc",
       "ProtectProc",
       1000,
       3,
       false,
       "Service has restricted access to process tree (/proc hidepid=)",
       "Service has full access to process tree (/proc hidepid=)",
       {},
       protect_proc_rule},
      {"ProcSubset=",
       "ProcSubset",
       "ProcSubset",
       10,
       1,
       false,
       "Service has no access to non-process /proc files (/proc subset=)",
       "Service has full access to non-process /proc files (/proc subset=)",
       {},
       proc_subset_rule},
      {"NotifyAccess=",
       "NotifyAccess",
       "NotifyAccess",
       1000,
       1,
       false,
       "Service child processes cannot alter service state",
       "Service child processes may alter service state",
       {},
       notify_access_rule},
      {"RemoveIPC=", "RemoveIPC", "RemoveIPC", 100, 1, false,
       "Service user cannot leave SysV IPC objects around",
       "Service user may leave SysV IPC objects around",
       "Service runs as root, option does not apply", remove_ipc_rule},
      {"Delegate=",
       "Delegate",
       "Delegate",
       100,
       1,
       false,
       "Service does not maintain its own delegated control group subtree",
       "Service maintains its own delegated control group subtree",
       {},
       delegate_rule},
      boolean("RestrictRealtime=", "RestrictRealtime", 500, &S::restrict_realtime,
              "Service realtime scheduling access is restricted",
              "Service may acquire realtime scheduling"),
      boolean("RestrictSUIDSGID=", "RestrictSUIDSGID", 1000, &S::restrict_suid_sgid,
              "SUID/SGID file creation by service is restricted",
              "Service may create SUID/SGID files"),
      restrict_ns("RestrictNamespaces=~user", "RestrictNamespaces_user", 1500, kNsUser,
                  "Service cannot create user namespaces", "Service may create user namespaces"),
      restrict_ns("RestrictNamespaces=~mnt", "RestrictNamespaces_mnt", 500, kNsMnt,
                  "Service cannot create file system namespaces",
                  "Service may create file system namespaces"),
      restrict_ns("RestrictNamespaces=~ipc", "RestrictNamespaces_ipc", 500, kNsIpc,
                  "Service cannot create IPC namespaces", "Service may create IPC namespaces"),
      restrict_ns("RestrictNamespaces=~pid", "RestrictNamespaces_pid", 500, kNsPid,
                  "Service cannot create process namespaces",
                  "Service may create process namespaces"),
      restrict_ns("RestrictNamespaces=~cgroup", "RestrictNamespaces_cgroup", 500, kNsCgroup,
                  "Service cannot create cgroup namespaces",
                  "Service may create cgroup namespaces"),
      restrict_ns("RestrictNamespaces=~net", "RestrictNamespaces_net", 500, kNsNet,
                  "Service cannot create network namespaces",
                  "Service may create network namespaces"),
      restrict_ns("RestrictNamespaces=~uts", "RestrictNamespaces_uts", 100, kNsUts,
                  "Service cannot create hostname namespaces",
                  "Service may create hostname namespaces"),
      restrict_af("RestrictAddressFamilies=~AF_(INET|INET6)",
                  "RestrictAddressFamilies_AF_INET_INET6", 1500, kAfInet,
                  "Service cannot allocate Internet sockets",
                  "Service may allocate Internet sockets"),
      restrict_af("RestrictAddressFamilies=~AF_UNIX", "RestrictAddressFamilies_AF_UNIX", 25,
                  kAfUnix, "Service cannot allocate local sockets",
                  "Service may allocate local sockets"),
      restrict_af("RestrictAddressFamilies=~AF_NETLINK", "RestrictAddressFamilies_AF_NETLINK", 200,
                  kAfNetlink, "Service cannot allocate netlink sockets",
                  "Service may allocate netlink sockets"),
      restrict_af("RestrictAddressFamilies=~AF_PACKET", "RestrictAddressFamilies_AF_PACKET", 1000,
                  kAfPacket, "Service cannot allocate packet sockets",
                  "Service may allocate packet sockets"),
      restrict_af("RestrictAddressFamilies=~\xe2\x80\xa6", "RestrictAddressFamilies_OTHER", 1250,
                  kAfOther, "Service cannot allocate exotic sockets",
                  "Service may allocate exotic sockets"),
      {"SystemCallArchitectures=",
       "SystemCallArchitectures",
       "SystemCallArchitectures",
       1000,
       10,
       false,
       {},
       {},
       {},
       architectures_rule},
      syscall_group("SystemCallFilter=~@swap", "SystemCallFilter_swap", 1000, "@swap"),
      syscall_group("SystemCallFilter=~@obsolete", "SystemCallFilter_obsolete", 250, "@obsolete"),
      syscall_group("SystemCallFilter=~@clock", "SystemCallFilter_clock", 1000, "@clock"),
      syscall_group("SystemCallFilter=~@cpu-emulation", "SystemCallFilter_cpu_emulation", 250,
                    "@cpu-emulation"),
      syscall_group("SystemCallFilter=~@debug", "SystemCallFilter_debug", 1000, "@debug"),
      syscall_group("SystemCallFilter=~@mount", "SystemCallFilter_mount", 1000, "@mount"),
      syscall_group("SystemCallFilter=~@module", "SystemCallFilter_module", 1000, "@module"),
      syscall_group("SystemCallFilter=~@raw-io", "SystemCallFilter_raw_io", 1000, "@raw-io"),
      syscall_group("SystemCallFilter=~@reboot", "SystemCallFilter_reboot", 1000, "@reboot"),
      syscall_group("SystemCallFilter=~@privileged", "SystemCallFilter_privileged", 700,
                    "@privileged"),
      syscall_group("SystemCallFilter=~@resources", "SystemCallFilter_resources", 700,
                    "@resources"),
      {"IPAddressDeny=",
       "IPAddressDeny",
       "IPAddressDeny",
       1000,
       10,
       false,
       {},
       {},
       {},
       ip_address_rule},
      {"DeviceAllow=",
       "DeviceAllow",
       "DeviceAllow",
       1000,
       10,
       false,
       {},
       {},
       {},
       device_allow_rule},
      {"AmbientCapabilities=",
       "AmbientCapabilities",
       "AmbientCapabilities",
       500,
       1,
       false,
       "Service process does not receive ambient capabilities",
       "Service process receives ambient capabilities",
       {},
       ambient_rule},
  };
}

}  // namespace

const std::vector<Check>& checks_v252() {
  static const std::vector<Check> table = build_v252();
  return table;
}

namespace {

std::vector<Check> build_for(const SystemdVersion& v) {
  std::vector<Check> table;
  for (Check c : checks_v252()) {
    if (std::find(v.absent_checks.begin(), v.absent_checks.end(), c.json_field) !=
        v.absent_checks.end())
      continue;
    for (const auto& r : v.renamed_checks)
      if (r.json_field == c.json_field) c.name = r.name;
    for (const auto& d : v.changed_descriptions) {
      if (d.json_field != c.json_field) continue;
      if (!d.good.empty()) c.description_good = d.good;
      if (!d.bad.empty()) c.description_bad = d.bad;
    }
    table.push_back(c);
  }
  return table;
}

}  // namespace

const std::vector<Check>& checks_for(const SystemdVersion& version) {
  // Built once for every profile, so that scan threads only read.
  static const std::map<unsigned, std::vector<Check>> tables = [] {
    std::map<unsigned, std::vector<Check>> t;
    for (unsigned n : supported_systemd_versions()) {
      const SystemdVersion& v = systemd_version(n);
      if (!v.absent_checks.empty() || !v.renamed_checks.empty() || !v.changed_descriptions.empty())
        t.emplace(n, build_for(v));
    }
    return t;
  }();
  auto it = tables.find(version.number);
  return it == tables.end() ? checks_v252() : it->second;
}

}  // namespace hardnut
