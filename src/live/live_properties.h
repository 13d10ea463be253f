// The unit properties live mode reads from the manager, and how they become
// the settings the checks score: the same record offline mode builds from
// unit files, plus the adjustments systemd-analyze 252 makes only online
// (spec §6.3).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/exec_settings.h"

namespace hardnut {

// One IPAddressAllow=/IPAddressDeny= entry as the manager sends it (iayu).
struct BusIpEntry {
  int32_t family = 0;
  std::vector<uint8_t> address;
  uint32_t prefix_length = 0;
};

// The properties systemd-analyze 252 reads, in the manager's D-Bus types.
// The defaults are those of systemd-analyze's record before any property
// arrives (a manager that lacks a property leaves its default). An empty
// string is what systemd-analyze treats as "unset".
struct LiveProperties {
  // org.freedesktop.systemd1.Unit
  std::string id;
  std::string load_state;
  bool default_dependencies = true;
  // org.freedesktop.systemd1.Service
  std::string type;
  std::string notify_access;
  std::string user;
  bool dynamic_user = false;
  std::vector<std::string> supplementary_groups;
  uint64_t capability_bounding_set = ~uint64_t{0};
  uint64_t ambient_capabilities = 0;
  std::string keyring_mode;
  std::string protect_proc;
  std::string proc_subset;
  std::string protect_home;
  std::string protect_system;
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
  bool restrict_address_families_allow_list = false;
  std::vector<std::string> restrict_address_families;  // "AF_INET", ...
  uint64_t restrict_namespaces = ~uint64_t{0};
  std::string root_directory;
  std::string root_image;
  uint32_t umask = 0002;
  std::vector<std::string> system_call_architectures;
  bool system_call_filter_allow_list = false;
  std::vector<std::string> system_call_filter;  // "name" or "name:errno"
  std::string device_policy;
  std::vector<std::pair<std::string, std::string>> device_allow;  // (path, "rwm")
  std::vector<BusIpEntry> ip_address_allow;
  std::vector<BusIpEntry> ip_address_deny;
  std::vector<std::string> ip_ingress_filter_path;
  std::vector<std::string> ip_egress_filter_path;
};

// The settings the checks score. Besides the plain mapping, this applies
// systemd-analyze's online-only adjustments: PrivateMounts= forced on by
// the options that imply a mount namespace, the capability drops of
// PrivateDevices=/ProtectKernelModules=/ProtectKernelLogs=/ProtectClock=
// applied again, ":errno" suffixes of SystemCallFilter= entries stripped.
// IPAddressAllow= entries keep their prefix length, which the online rule
// classifies differently (RuleContext::online).
ExecSettings settings_from_properties(const LiveProperties& p);

}  // namespace hardnut
