// `hardnut suggest`: every change from the knowledge file that lowers a
// unit's exposure, each re-scored by the engine with the change in place,
// with what it restricts, what it may break, its risk for this unit and the
// oldest systemd that accepts it. Whether a change is known to break the
// unit comes from the signals read from the unit's own files.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harden/hardening_knowledge.h"
#include "harden/what_if.h"
#include "report/report.h"

namespace hardnut {

struct Suggestion {
  const HardeningEntry* entry = nullptr;
  Risk risk = Risk::kStandard;                       // after the unit's risk overrides
  uint64_t exposure_before = 0, exposure_after = 0;  // tenths, as printed
  double exact_before = 0, exact_after = 0;          // before rounding
  std::vector<std::string> improved_checks;          // NAME of every check whose badness dropped
  std::vector<std::string> unsafe_reasons;           // why it is known to break this unit
  std::vector<std::string> overrides;                // the unit's own settings it replaces
  bool safe_for_unit() const { return unsafe_reasons.empty(); }
  // Neither known to break the unit nor against its own choices.
  bool plain() const { return unsafe_reasons.empty() && overrides.empty(); }
  double exact_gain() const { return exact_before - exact_after; }
};

struct SuggestResult {
  ScoreResult base;
  Signals signals;
  UnitFacts facts;
  // Plain changes first, then those overriding the unit's own settings,
  // then those known to break it; each part by risk, then by gain.
  std::vector<Suggestion> suggestions;
  // Checks still failing that no entry improves ("RootDirectory=/RootImage=").
  std::vector<std::string> manual_checks;
};

// Scores one entry against the unit with `applied` lines in place; nullopt
// when the unit does not load with it or the exposure does not drop.
std::optional<Suggestion> evaluate_entry(const HardeningTarget& target, const HardeningEntry& entry,
                                         const UnitFacts& facts, const Signals& signals,
                                         const ScoreResult& base,
                                         const std::vector<std::string>& applied);

// Every entry that lowers the exposure of the unit with `applied` in place.
SuggestResult suggest(const HardeningTarget& target, const Knowledge& knowledge,
                      const std::vector<std::string>& applied = {});

std::string render_suggestions(const SuggestResult& result, const std::string& unit_id,
                               const OutputStyle& style);
std::string render_suggestions_json(const SuggestResult& result, const std::string& unit_id);

struct SuggestOptions {
  TargetOptions target;
  std::string format = "text";  // text or json
  std::string profile;          // --profile=FILE: the observed changes rank beside the knowledge
  bool profile_without_startup = false;
};

// The command; returns the exit status.
int run_suggest(const SuggestOptions& options, const Environment& env, std::ostream& out,
                std::ostream& err);

}  // namespace hardnut
