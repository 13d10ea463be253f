// Everything systemd reads from a unit's files that matters for the
// assessment, before the manager's load-time implications are applied.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "directives/address_family.h"
#include "model/exec_settings.h"
#include "model/syscall_filter.h"
#include "model/systemd_version.h"

namespace hardnut {

struct UnitConfig {
  ExecSettings exec;  // fields parsed straight into their final place
  std::optional<std::string> keyring_mode;
  std::optional<unsigned> umask;
  AddressFamilyFilter address_families;
  SyscallFilter syscall_filter;
  bool has_mount_images = false;
  // PrivateMounts= as written; unset (or reset by an empty value, 257+) is
  // read per version (SystemdVersion::private_mounts_unset_is_good).
  std::optional<bool> private_mounts;
  bool private_pids = false;            // PrivatePIDs= (257+)
  bool working_directory_home = false;  // WorkingDirectory=~
  bool imports_credentials = false;     // ImportCredential= (257+)
  // Credential ID -> whether it is encrypted, for LoadCredential*= and
  // SetCredential*= (a later plain entry replaces an encrypted one).
  std::map<std::string, bool> load_credentials;
  std::map<std::string, bool> set_credentials;
  bool has_encrypted_credentials() const;
  std::string effective_service_type() const;

  // What service verification looks at.
  std::optional<std::string> service_type;  // unset: oneshot without ExecStart=, else simple
  bool remain_after_exit = false;
  std::string restart = "no";
  std::string bus_name;
  unsigned exec_start_count = 0;
  unsigned exec_stop_count = 0;
  bool has_success_action = false;
  bool has_watchdog = false;
  // Sockets: listening addresses, Accept=, Service=.
  unsigned listen_count = 0;
  bool socket_accept = false;
  std::string socket_service;
  bool has_fd_store = false;
};

}  // namespace hardnut
