// Everything systemd reads from a unit's files that matters for the
// assessment, before the manager's load-time implications are applied.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "address_family.h"
#include "exec_settings.h"
#include "syscall_filter.h"

namespace hardnut {

struct UnitConfig {
  ExecSettings exec;  // fields parsed straight into their final place
  std::optional<std::string> keyring_mode;
  std::optional<unsigned> umask;
  AddressFamilyFilter address_families;
  SyscallFilter syscall_filter;
  bool has_mount_images = false;
  bool has_encrypted_credentials = false;

  // What service verification looks at.
  std::string service_type = "simple";
  std::string restart = "no";
  std::string bus_name;
  unsigned exec_start_count = 0;
  bool has_exec_stop = false;
  bool has_success_action = false;
  bool has_watchdog = false;
  bool has_fd_store = false;
};

enum class Scope;

// Applies what the manager derives at load time (DynamicUser=, the
// capabilities dropped by PrivateDevices= and friends, device ACL additions,
// scope defaults) and returns the settings the assessment sees.
ExecSettings effective_settings(const UnitConfig& config, Scope scope, unsigned process_umask);

}  // namespace hardnut
