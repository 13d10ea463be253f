// What hardnut knows about lowering a unit's exposure: the changes it can
// suggest (directive lines), what each restricts and breaks, its risk and
// the oldest systemd that accepts it, and the signals read from a unit that
// make a change unsafe for it. All of it lives in data/hardening.json.txt so
// that the knowledge is reviewed in one place, each entry with its reason;
// exposures are never stored there, suggest and harden re-score the unit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harden/exec_wrappers.h"
#include "harden/unit_facts.h"

namespace hardnut {

enum class Risk { kSafe = 0, kStandard = 1, kAggressive = 2 };
std::optional<Risk> parse_risk(std::string_view s);
const char* risk_name(Risk r);

// A named condition read from the unit: true when one of `any` (facts or
// other signals) holds, an Exec*= binary matches `binaries` (fnmatch on the
// base name), a whole Exec*= command line matches `arguments` (regex), or
// the unit's Description= matches `descriptions` (regex, ignoring case).
struct SignalDef {
  std::string name;
  std::string means;
  std::vector<std::string> any;
  std::vector<std::string> binaries;
  std::vector<std::string> arguments;
  std::vector<std::string> descriptions;
};

// A rule of the whole file ("risk_rules"): when `when` holds, an entry
// whose risk for the unit would be `from` is `to` instead.
struct RiskRule {
  std::string when;
  Risk from, to;
  std::string why;
};

struct RiskOverride {
  std::string when;  // condition: "a&!b"
  Risk risk;
};

struct HardeningEntry {
  std::string id;
  std::vector<std::string> lines;       // directive lines to add, in order
  std::vector<std::string> line_notes;  // per line (may be shorter): why the line is there
  std::string group;                    // entries of one group are alternatives
  std::string restricts;                // one line
  std::string breaks;                   // what it is known to break and why
  Risk risk = Risk::kStandard;
  std::vector<RiskOverride> risk_if;   // first match wins
  unsigned since = 0;                  // oldest systemd version accepting the lines
  std::vector<std::string> unsafe_if;  // conditions: any true = known to break this unit
  std::vector<RiskRule> risk_rules;    // the file's risk_rules, applied after risk_if
  bool requested = false;              // chosen before the walk, not knowledge
  std::string tag;                     // for requested ones: "--set", "observed"
};

struct Knowledge {
  std::vector<SignalDef> signals;
  std::vector<HardeningEntry> entries;
  std::vector<RiskRule> risk_rules;  // also copied into every entry
  LauncherTable launchers;           // how to look through wrappers (exec_wrappers.h)
};

// Parses the knowledge file; false and `error` on malformed input (unknown
// risk, a condition naming neither a fact nor a signal, a bad regex, ...).
bool parse_knowledge(std::string_view json, Knowledge& out, std::string& error);
// The compiled-in knowledge; throws std::runtime_error if it is broken
// (a unit test keeps that from ever shipping).
const Knowledge& builtin_knowledge();

// The signals and facts that hold for a unit, each with its evidence.
using Signals = std::map<std::string, std::string>;
Signals evaluate_signals(const Knowledge& knowledge, const UnitFacts& facts);

// Evaluates a condition ("a&!b") against the signals; `why` gets the
// evidence of its positive terms when it holds.
bool condition_holds(const std::string& condition, const Signals& signals, std::string* why);

// The entry's risk for a unit with these signals (its risk_if overrides).
Risk risk_for(const HardeningEntry& entry, const Signals& signals);

// Why the entry is known to break the unit: one line per unsafe_if
// condition that holds ("network_server: ExecStart= runs nginx"). Empty
// when nothing is known against it.
std::vector<std::string> unsafe_reasons(const HardeningEntry& entry, const Signals& signals);

}  // namespace hardnut
