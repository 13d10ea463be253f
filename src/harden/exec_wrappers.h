// Looking through wrappers: what a unit's Exec*= lines really run. A line
// may start the daemon through a launcher (env, nice, runuser, su,
// start-stop-daemon, systemd-inhibit, ...), an interpreter (python3 SCRIPT,
// java -jar, sh -c STRING) or a shell script (apachectl, an init script);
// the signals of the knowledge file are about the daemon, so they must see
// it. The launcher grammars, the known targets of launchers hardnut cannot
// read and the commands that are mere plumbing are data (the "launchers"
// key of data/hardening.json.txt). Scripts and the files they source are
// read below the unit's root only, size- and depth-limited.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "base/root_fs.h"
#include "harden/unit_facts.h"

namespace hardnut {

// How a launcher's own command line is read (see the "about" text of the
// "launchers" key for each field).
struct LauncherGrammar {
  std::vector<std::string> names;  // fnmatch patterns on the base name
  enum class Kind { kWrapper, kInterpreter, kShell } kind = Kind::kWrapper;
  std::vector<std::string> options_with_value;
  std::vector<std::string> attached_values;
  std::vector<std::string> code_options;
  std::vector<std::string> program_options;
  std::vector<std::string> split_options;
  std::vector<std::string> no_command_options;
  std::vector<std::string> permute_unless;
  unsigned skip_words = 0;
  bool assignments = false;
  bool getopt = false;
  bool permute = false;
  bool command_optional = false;  // without a command it starts nothing (env, nice, flock FD)
};

// What a launcher runs when hardnut cannot read it (missing, an ELF binary,
// a script that does not say).
struct LauncherTarget {
  std::vector<std::string> names;  // fnmatch patterns on the base name
  std::vector<std::string> runs;   // command lines
  std::string why;
};

struct LauncherTable {
  std::vector<LauncherGrammar> commands;
  std::vector<LauncherTarget> targets;
  std::vector<std::string> plumbing;  // base names scripts run that are not the service
};

// Reads the "launchers" object of the knowledge file; false and `error` on
// a malformed entry (unknown kind or key, no names, an empty target).
bool parse_launcher_table(const nlohmann::json& j, LauncherTable& out, std::string& error);

struct WrapperLimits {
  size_t max_script_size = 256 * 1024;  // bytes of one script or sourced file
  unsigned max_depth = 8;               // wrappers, scripts and sourced files inside each other
  size_t max_commands = 64;             // derived commands added to one unit
};

// Appends to facts.commands what the unit's Exec*= lines really run, each
// with `via` saying how ("ExecStart= runs /usr/sbin/apachectl, which runs
// /usr/sbin/apache2"); files are read through `root` only. When that cannot
// be determined (an unreadable or unparsable script, a launcher given no
// command, code an interpreter gets on its command line, a name computed at
// run time, the depth limit), sets the fact "program_unknown" with the
// evidence. Call once, after collect_unit_facts().
void look_through_wrappers(UnitFacts& facts, const RootFs& root, const LauncherTable& launchers,
                           const WrapperLimits& limits = {});

}  // namespace hardnut
