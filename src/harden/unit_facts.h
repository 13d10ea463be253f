// What a unit's own files say about how the service behaves, beyond what
// the assessment reads: the programs it runs, the sockets that activate it,
// its user, the paths it writes. suggest and harden use these facts (and
// the signals built on them) to tell which hardening a service survives.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "unit/loader.h"

namespace hardnut {

struct RunCommand {
  std::string key;                // "ExecStart"
  std::vector<std::string> argv;  // argv[0] = the program as written (prefixes removed)
  std::string binary;             // base name of argv[0]
  std::string line;               // the command, words joined by single spaces
  bool privileged = false;        // "+" or "!" prefix: runs outside the sandbox
  // Empty for an Exec*= line; for a command found behind it (through a
  // wrapper, an interpreter or a script: exec_wrappers.h), how the unit gets
  // there: "ExecStart= runs /usr/sbin/apachectl, which runs /usr/sbin/apache2".
  std::string via;
};

// A directive the unit's own files set (its fragment or a drop-in; not
// --set, not hardnut's drop-in): the package's or the admin's choice.
struct OwnSetting {
  std::string value;    // the last assignment ("" for a reset)
  std::string where;    // "/lib/systemd/system/foo.service:12"
  std::string comment;  // the comment lines right above it, "#" removed, joined by " "
};

struct UnitFacts {
  std::string unit_id;
  std::string unit_type;  // "service"
  // Every assignment, "Section.Key" -> values in order; an empty value
  // resets the list, so only what is in effect remains.
  std::map<std::string, std::vector<std::string>> settings;
  // What the unit's files set themselves, "Section.Key" -> the last one.
  std::map<std::string, OwnSetting> own;
  std::vector<RunCommand> commands;  // every Exec*= line
  // The socket units that activate the unit and their Listen*= settings.
  std::vector<std::string> sockets;
  std::vector<std::pair<std::string, std::string>> listens;  // ("ListenStream", "8080")
  // Facts that hold, with the evidence ("User= is not set").
  std::map<std::string, std::string> facts;

  // The last value of a setting ("Service.User"), or "".
  std::string last(const std::string& key) const;
  const std::vector<std::string>& all(const std::string& key) const;
};

// Reads the unit `name` from `index` (fragment, drop-ins, then
// `extra_lines` in the unit's own section, as --set applies them) and
// derives its facts. A unit that cannot be found gives facts with only
// unit_id set.
UnitFacts collect_unit_facts(const UnitFileIndex& index, const std::string& name,
                             const std::vector<std::string>& extra_lines);

// The names of every fact collect_unit_facts() can report, so that the
// knowledge file can be checked for typos. Besides these, one fact
// "ambient_has:CAP_X" for every capability in AmbientCapabilities=.
const std::vector<std::string>& known_fact_names();

}  // namespace hardnut
