#include "live/live_properties.h"

#include <sys/socket.h>

#include <algorithm>

namespace hardnut {

namespace {

// Linux capability numbers of the drops systemd-analyze repeats online.
constexpr int kCapSysModule = 16, kCapSysRawio = 17, kCapSysTime = 25, kCapMknod = 27,
              kCapSyslog = 34, kCapWakeAlarm = 35;
constexpr uint64_t bit(int n) { return uint64_t{1} << n; }

// systemd-analyze groups the names the manager sends by exact spelling:
// the five below have checks of their own, every other name (there are no
// numbers on the bus) counts as "other", as a family number outside these
// groups does in the check.
int family_group_number(const std::string& name) {
  if (name == "AF_INET") return AF_INET;
  if (name == "AF_INET6") return AF_INET6;
  if (name == "AF_UNIX") return AF_UNIX;
  if (name == "AF_NETLINK") return AF_NETLINK;
  if (name == "AF_PACKET") return AF_PACKET;
  return AF_MAX + 1;
}

// A prefix length no real entry has: the online rules then count the entry
// as neither "deny all" nor "localhost", as systemd-analyze does with an
// entry whose family and address size do not match.
constexpr unsigned kMalformedPrefix = 1000;

void convert_ip_list(const std::vector<BusIpEntry>& in, std::set<IpPrefix>& out) {
  for (const auto& e : in) {
    IpPrefix prefix;
    prefix.family = e.family;
    prefix.prefix_length = e.prefix_length;
    size_t want = e.family == AF_INET ? 4 : e.family == AF_INET6 ? 16 : 0;
    if (want == 0 || e.address.size() != want)
      prefix.prefix_length = kMalformedPrefix;
    else
      std::copy(e.address.begin(), e.address.end(), prefix.address);
    out.insert(prefix);
  }
}

}  // namespace

ExecSettings settings_from_properties(const LiveProperties& p) {
  ExecSettings s;
  s.unit_id = p.id;
  s.unit_type = "service";
  s.service_type = p.type;
  s.default_dependencies = p.default_dependencies;
  // Strings are copied even when empty: the checks compare them with the
  // good values only, so "" scores as systemd-analyze's NULL does.
  s.notify_access = p.notify_access;
  if (!p.user.empty()) s.user = p.user;
  s.dynamic_user = p.dynamic_user;
  s.supplementary_groups = p.supplementary_groups;
  s.capability_bounding_set = p.capability_bounding_set;
  s.ambient_capabilities = p.ambient_capabilities;
  s.keyring_mode = p.keyring_mode;
  s.protect_proc = p.protect_proc;
  s.proc_subset = p.proc_subset;
  s.protect_home = p.protect_home;
  s.protect_system = p.protect_system;
  s.lock_personality = p.lock_personality;
  s.memory_deny_write_execute = p.memory_deny_write_execute;
  s.no_new_privileges = p.no_new_privileges;
  s.protect_hostname = p.protect_hostname;
  s.private_devices = p.private_devices;
  s.private_mounts = p.private_mounts;
  s.private_network = p.private_network;
  s.private_tmp = p.private_tmp;
  s.private_users = p.private_users;
  s.protect_control_groups = p.protect_control_groups;
  s.protect_kernel_modules = p.protect_kernel_modules;
  s.protect_kernel_tunables = p.protect_kernel_tunables;
  s.protect_kernel_logs = p.protect_kernel_logs;
  s.protect_clock = p.protect_clock;
  s.remove_ipc = p.remove_ipc;
  s.restrict_realtime = p.restrict_realtime;
  s.restrict_suid_sgid = p.restrict_suid_sgid;
  s.delegate = p.delegate;

  s.address_families_allow_list = p.restrict_address_families_allow_list;
  for (const auto& name : p.restrict_address_families)
    s.address_families.insert(family_group_number(name));
  s.restrict_namespaces = p.restrict_namespaces;
  s.root_directory = p.root_directory;
  s.root_image = p.root_image;
  s.umask = p.umask;
  s.system_call_architectures.insert(p.system_call_architectures.begin(),
                                     p.system_call_architectures.end());
  s.system_call_filter_allow_list = p.system_call_filter_allow_list;
  // The manager appends ":errno" (or ":kill", ...) to entries with their
  // own action; systemd 252 scores the name alone.
  for (const auto& entry : p.system_call_filter)
    s.system_call_filter.insert(entry.substr(0, entry.find(':')));

  s.device_policy = p.device_policy;
  for (const auto& [path, perms] : p.device_allow) s.device_allow.push_back(path + ":" + perms);

  convert_ip_list(p.ip_address_allow, s.ip_address_allow);
  convert_ip_list(p.ip_address_deny, s.ip_address_deny);
  s.ip_ingress_filter_path = p.ip_ingress_filter_path;
  s.ip_egress_filter_path = p.ip_egress_filter_path;

  // systemd-analyze's online-only adjustments. The manager reports the
  // PrivateMounts= the unit file set; the analyser adds the mount namespace
  // these options create anyway (offline mode does not, spec §6.3).
  if (s.private_devices || s.private_tmp || s.protect_control_groups || s.protect_kernel_tunables ||
      s.protect_kernel_modules || s.protect_home != "no" || s.protect_system != "no" ||
      !s.root_image.empty())
    s.private_mounts = true;
  // The manager already dropped these at load time; repeated for parity
  // with a manager that did not.
  if (s.protect_kernel_modules) s.capability_bounding_set &= ~bit(kCapSysModule);
  if (s.protect_kernel_logs) s.capability_bounding_set &= ~bit(kCapSyslog);
  if (s.protect_clock) s.capability_bounding_set &= ~(bit(kCapSysTime) | bit(kCapWakeAlarm));
  if (s.private_devices) s.capability_bounding_set &= ~(bit(kCapMknod) | bit(kCapSysRawio));
  return s;
}

}  // namespace hardnut
