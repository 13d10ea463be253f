// Loading units: their files are lexed and their assignments applied in
// order, each unit is verified as the manager would, and the effective
// settings come out (or the reason systemd refuses the unit). Like the
// manager, a run loads every unit once, and loading a socket also loads
// the service it activates.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/exec_settings.h"
#include "model/syscall_filter.h"
#include "model/systemd_version.h"
#include "unit/loader.h"
#include "unit/unit_paths.h"

namespace hardnut {

// A comment line of one of the unit's files: systemd ignores them, hardnut
// reads its inline suppressions from them (suppression.h).
struct SourceComment {
  std::string file;  // display path
  unsigned line = 0;
  std::string text;  // the stripped line, comment character included
};

struct LoadedUnit {
  bool ok = false;
  ExecSettings settings;
  // Printed once, when the unit is loaded: parser warnings, and why the
  // manager refuses the unit.
  std::vector<std::string> load_messages;
  // Printed each time the unit is analysed when it is not usable
  // ("Unit X not found.", "Unit X has a bad unit file setting.").
  std::string status_message;
  std::string fragment_path;  // as systemd prints it; empty if none was found
  // Where each directive was last set: key -> "file:line".
  std::map<std::string, std::string> origins;
  std::vector<SourceComment> comments;  // of every file, in application order
};

struct LoadOptions {
  Scope scope = Scope::kSystem;
  unsigned process_umask = 0022;
  const SyscallTable* syscalls = nullptr;
  // Lines applied after every file, as if from a last drop-in ("what-if").
  std::vector<std::string> extra_lines;
  // Keep loaded units (and the D-Bus names they claimed) for the rest of the
  // run, as the manager does. Scans of many units turn this off: memory stays
  // flat and every unit is judged on its own.
  bool remember_units = true;
  // The systemd version whose parser and load-time rules apply; nullptr: 252.
  const SystemdVersion* version = nullptr;
  // Fill LoadedUnit::origins and ::comments (only hardnut's own report
  // formats read them; a scan for the table skips the work).
  bool record_sources = true;
};

// The largest unit file hardnut reads.
constexpr size_t kMaxUnitFileSize = 64 * 1024 * 1024;

class UnitLoader {
  struct Loaded;

 public:
  UnitLoader(const UnitFileIndex& index, LoadOptions options);

  // Loads a unit by name (alias, instance, ...). `fresh_messages` receives
  // the load messages of every unit this call loaded for the first time.
  const LoadedUnit& load(const std::string& name, std::vector<std::string>& fresh_messages);

  // What one load() put into the loader's memory: every unit name it looked
  // up or answered to, and the D-Bus names it claimed. Units named on the
  // command line load in parallel, each into an empty loader, and their
  // footprints then go, in order, into the one loader that stands for the
  // manager (scan.h).
  class Footprint {
   private:
    friend class UnitLoader;
    std::map<std::string, std::shared_ptr<Loaded>> units;
    std::map<std::string, std::string> bus_names;
  };
  // Only for a loader that does not remember units: the last load()'s.
  Footprint take_footprint();
  // Whether loading that unit here would have met a unit or D-Bus name
  // this loader knows (its outcome could then differ: load it here).
  bool overlaps(const Footprint& footprint) const;
  // Takes the footprint's units and names over, as if loaded here.
  void adopt(Footprint footprint);

 private:
  std::shared_ptr<Loaded> load_files(const std::string& name, std::vector<std::string>& messages);
  // A masked unit's drop-ins are still parsed: only their warnings matter.
  void read_masked_dropins(const UnitFiles& files, std::vector<std::string>& messages) const;

  const UnitFileIndex& index_;
  LoadOptions options_;
  std::map<std::string, std::shared_ptr<Loaded>> by_name_;
  std::map<std::string, std::string> bus_names_;  // D-Bus name -> unit that owns it
  std::shared_ptr<Loaded> last_;                  // keeps the returned unit alive
  int depth_ = 0;
};

}  // namespace hardnut
