// The effective execution settings of one unit: everything the assessment
// reads, after the unit files were parsed and the manager's load-time
// implications applied (systemd calls this record SecurityInfo).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/syscall_filter.h"

namespace hardnut {

// Linux clone flags for the namespace types RestrictNamespaces= knows.
enum NamespaceFlag : uint64_t {
  kNsTime = 0x00000080,
  kNsMnt = 0x00020000,
  kNsCgroup = 0x02000000,
  kNsUts = 0x04000000,
  kNsIpc = 0x08000000,
  kNsUser = 0x10000000,
  kNsPid = 0x20000000,
  kNsNet = 0x40000000,
};
constexpr uint64_t kAllNamespaceTypes =
    kNsTime | kNsMnt | kNsCgroup | kNsUts | kNsIpc | kNsUser | kNsPid | kNsNet;

// One IPAddressAllow=/IPAddressDeny= entry, address already masked.
struct IpPrefix {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char address[16] = {};
  unsigned prefix_length = 0;
  bool operator<(const IpPrefix& o) const;
  bool operator==(const IpPrefix& o) const;
};

struct ExecSettings {
  std::string unit_id;      // the name the unit is reported under
  std::string unit_type;    // "service", "socket", ...
  bool user_scope = false;  // a unit of a user manager
  bool default_dependencies = true;

  std::optional<std::string> user;  // unset = root unless DynamicUser=
  bool dynamic_user = false;
  std::vector<std::string> supplementary_groups;

  uint64_t capability_bounding_set = ~uint64_t{0};
  uint64_t ambient_capabilities = 0;

  std::string keyring_mode = "private";
  std::string protect_proc = "default";
  std::string proc_subset = "all";
  std::string notify_access = "none";
  std::string protect_home = "no";
  std::string protect_system = "no";

  bool lock_personality = false;
  bool memory_deny_write_execute = false;
  bool no_new_privileges = false;
  bool protect_hostname = false;
  bool private_devices = false;
  bool private_mounts = false;
  bool private_network = false;
  bool private_tmp = false;
  bool private_users = false;
  bool protect_control_groups = false;
  bool protect_kernel_modules = false;
  bool protect_kernel_tunables = false;
  bool protect_kernel_logs = false;
  bool protect_clock = false;
  bool remove_ipc = false;
  bool restrict_realtime = false;
  bool restrict_suid_sgid = false;
  bool delegate = false;

  // RestrictAddressFamilies=: the mode and the family numbers listed.
  bool address_families_allow_list = false;
  std::set<int> address_families;

  // The set of namespace types the unit may create.
  uint64_t restrict_namespaces = ~uint64_t{0};

  std::string root_directory;
  std::string root_image;
  unsigned umask = 0022;

  std::set<std::string> system_call_architectures;
  // SystemCallFilter=: the mode and the canonical names of the syscalls
  // listed, as the native architecture resolves them.
  bool system_call_filter_allow_list = false;
  SyscallNameSet system_call_filter;

  std::string device_policy = "auto";
  std::vector<std::string> device_allow;  // "path:perms", newest first

  std::set<IpPrefix> ip_address_allow;
  std::set<IpPrefix> ip_address_deny;
  std::vector<std::string> ip_ingress_filter_path;
  std::vector<std::string> ip_egress_filter_path;

  // Online only: the service Type= (the overview skips oneshot services).
  std::string service_type;
};

}  // namespace hardnut
