// Loading one unit: its files are lexed and their assignments applied in
// order, the service is verified as the manager would, and the effective
// settings come out (or the reason systemd refuses the unit).
#pragma once

#include <string>
#include <vector>

#include "exec_settings.h"
#include "loader.h"
#include "syscall_filter.h"
#include "unit_paths.h"

namespace hardnut {

struct LoadedUnit {
  bool ok = false;
  ExecSettings settings;
  // Lines for stderr, in the order systemd prints them (parser warnings,
  // then the reason a unit was refused).
  std::vector<std::string> messages;
};

struct LoadOptions {
  Scope scope = Scope::kSystem;
  unsigned process_umask = 0022;
  const SyscallTable* syscalls = nullptr;
  // Drop-in lines applied after every file ("what-if" assignments).
  std::vector<std::string> extra_lines;
};

// `requested` is the unit name as given (alias, instance, ...).
LoadedUnit load_unit(const UnitFileIndex& index, const std::string& requested,
                     const LoadOptions& options);

// The largest unit file hardnut reads (systemd refuses longer lines anyway).
constexpr size_t kMaxUnitFileSize = 64 * 1024 * 1024;

}  // namespace hardnut
