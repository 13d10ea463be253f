// What the manager derives from a parsed unit at load time: the effective
// execution settings the assessment reads.
#pragma once

#include "directives/unit_config.h"
#include "model/exec_settings.h"
#include "model/systemd_version.h"

namespace hardnut {

enum class Scope;

// Applies what the manager derives at load time (DynamicUser=, the
// capabilities dropped by PrivateDevices= and friends, device ACL additions,
// scope defaults) and returns the settings the assessment sees.
ExecSettings effective_settings(const UnitConfig& config, Scope scope, unsigned process_umask,
                                const SystemdVersion& version = default_systemd_version());

}  // namespace hardnut
