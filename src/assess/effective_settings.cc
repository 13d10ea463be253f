#include "assess/effective_settings.h"

#include <algorithm>
#include <array>

#include "directives/unit_config.h"
#include "directives/user_name.h"
#include "unit/unit_paths.h"

namespace hardnut {

namespace {

constexpr uint64_t cap(int n) { return uint64_t{1} << n; }
constexpr int kCapMknod = 27, kCapSysRawio = 17, kCapSysModule = 16, kCapSyslog = 34,
              kCapSysTime = 25, kCapWakeAlarm = 35;

// Capabilities the manager removes from the bounding set for each setting.
struct CapabilityDrop {
  bool ExecSettings::*setting;
  uint64_t dropped;
};
constexpr std::array<CapabilityDrop, 4> kCapabilityDrops = {{
    {&ExecSettings::private_devices, cap(kCapMknod) | cap(kCapSysRawio)},
    {&ExecSettings::protect_kernel_modules, cap(kCapSysModule)},
    {&ExecSettings::protect_kernel_logs, cap(kCapSyslog)},
    {&ExecSettings::protect_clock, cap(kCapSysTime) | cap(kCapWakeAlarm)},
}};

bool device_acl_in_force(const ExecSettings& e) {
  return e.device_policy != "auto" || !e.device_allow.empty();
}

void prepend(std::vector<std::string>& list, const std::string& entry) {
  list.insert(list.begin(), entry);
}

}  // namespace

bool UnitConfig::has_encrypted_credentials() const {
  for (const auto* creds : {&load_credentials, &set_credentials})
    for (const auto& [id, encrypted] : *creds)
      if (encrypted) return true;
  return false;
}

std::string UnitConfig::effective_service_type() const {
  if (service_type) return *service_type;
  // The manager's guess: a bus name means D-Bus activation.
  if (!bus_name.empty()) return "dbus";
  return exec_start_count == 0 ? "oneshot" : "simple";
}

ExecSettings effective_settings(const UnitConfig& config, Scope scope, unsigned process_umask,
                                const SystemdVersion& version) {
  ExecSettings e = config.exec;
  e.user_scope = scope == Scope::kUser;
  // The parser collects DeviceAllow= oldest first; the manager lists newest first.
  std::reverse(e.device_allow.begin(), e.device_allow.end());
  e.private_mounts = config.private_mounts.value_or(version.private_mounts_unset_is_good);
  bool is_service = e.unit_type == "service";

  if (e.dynamic_user) {
    if (!e.user) {
      // The manager names the dynamic user after the unit when it can.
      auto dot = e.unit_id.find_first_of("@.");
      std::string prefix = e.unit_id.substr(0, dot);
      e.user = is_strict_user_name(prefix) ? prefix : "_du" + std::string(16, '0');
    }
    e.private_tmp = true;
    e.remove_ipc = true;
    e.protect_system = "strict";
    if (e.protect_home == "no") e.protect_home = "read-only";
    e.no_new_privileges = true;
    e.restrict_suid_sgid = true;
  }

  for (const auto& drop : kCapabilityDrops)
    if (e.*drop.setting) e.capability_bounding_set &= ~drop.dropped;

  if (e.private_devices && e.device_policy == "auto") e.device_policy = "closed";
  if (device_acl_in_force(e) && (!e.root_image.empty() || config.has_mount_images)) {
    for (const char* entry : {"/dev/loop-control:rw", "/dev/mapper/control:rw", "block-loop:rwm",
                              "block-blkext:rwm", "block-device-mapper:rwm"})
      prepend(e.device_allow, entry);
  }
  if (e.protect_clock && device_acl_in_force(e)) prepend(e.device_allow, "char-rtc:r");
  if (device_acl_in_force(e) && config.has_encrypted_credentials() &&
      !version.credential_tpm_device.empty())
    prepend(e.device_allow, std::string(version.credential_tpm_device));

  if (config.keyring_mode)
    e.keyring_mode = *config.keyring_mode;
  else if (scope == Scope::kUser)
    e.keyring_mode = "inherit";
  else
    e.keyring_mode = is_service ? "private" : "shared";

  if (config.umask)
    e.umask = *config.umask;
  else
    e.umask = scope == Scope::kUser ? process_umask : 0022;

  e.address_families_allow_list = config.address_families.allow_list;
  e.address_families = config.address_families.families;
  e.system_call_filter_allow_list = config.syscall_filter.allow_list;
  e.system_call_filter = config.syscall_filter.names();
  if (is_service) e.service_type = config.effective_service_type();
  return e;
}

}  // namespace hardnut
