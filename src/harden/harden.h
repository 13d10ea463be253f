// `hardnut harden`: picks changes from the knowledge file up to a risk
// level (and only those not known to break the unit), one at a time by
// gain, until no change helps or a target exposure is reached; renders
// them as a commented drop-in whose effect is verified by re-scoring the
// unit with that very file in place; optionally writes it (--write) and
// proves it on the running system, rolling back on failure (--apply).
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harden/harden_apply.h"
#include "harden/hardening_knowledge.h"
#include "harden/suggest.h"
#include "harden/what_if.h"

namespace hardnut {

struct HardenStep {
  const HardeningEntry* entry;
  Risk risk;                                 // for this unit
  const HardeningEntry* replaces = nullptr;  // an earlier choice of the same group
  uint64_t exposure_after;
  double exact_after;
};

struct HardenPlan {
  ScoreResult base;  // the unit without hardnut's drop-in
  UnitFacts facts;   // its facts (own settings included)
  Signals signals;
  std::vector<HardenStep> steps;              // the walk, in order
  std::vector<const HardeningEntry*> chosen;  // what the drop-in holds, in walk order
  uint64_t walk_exposure = 0;                 // the walk's last score
};

// The walk. `target` (tenths) stops it once the exposure is at or below it.
// `requested` (the user's --set lines and a profile's changes, as entries)
// are chosen first, whatever their risk; no knowledge entry sets a key of
// theirs or a `vetoed` one (a directive observation rules out).
HardenPlan plan_hardening(const HardeningTarget& target, const Knowledge& knowledge, Risk level,
                          std::optional<uint64_t> target_exposure,
                          const std::vector<HardeningEntry>& requested = {},
                          const std::map<std::string, std::string>& vetoed = {});

// The user's --set lines as entries of the plan, one each.
std::vector<HardeningEntry> requested_entries(const std::vector<std::string>& set_lines);

// The lines of the chosen entries, in order.
std::vector<std::string> plan_lines(const HardenPlan& plan);

// The drop-in: a header saying what produced it (with the marker line and
// the predicted exposures), the section, and a comment before every line;
// `withheld` lines (changes left out, and why) go into the header.
std::string render_dropin(const HardenPlan& plan, const HardeningTarget& target,
                          const std::string& command, uint64_t predicted_after,
                          const std::vector<std::string>& withheld = {});

struct HardenOptions {
  TargetOptions target;
  Risk level = Risk::kStandard;
  std::optional<uint64_t> target_exposure;  // tenths
  bool steps = false;
  bool write = false;
  bool force = false;
  bool apply = false;
  bool verify = false;    // --verify: prove the installed drop-in, change nothing
  LiveApplyOptions live;  // unit is filled in by run_harden
  std::string profile;    // --profile=FILE: changes from an observation (profile_hardening.h)
  bool profile_without_startup = false;
  std::string command_line;  // recorded in the header
};

// Why `plan` stops above `target` (tenths): each check still adding to the
// exposure, with the changes that would improve it and why each is
// withheld (risk above the level, known to break the unit, overrides the
// unit's own setting), or that no directive fixes it.
std::string explain_unreached(const HardenPlan& plan, const SuggestResult& rest, Risk level,
                              uint64_t target);

// Parses --target: an exposure as printed ("2", "2.0", 0..10); nullopt if invalid.
std::optional<uint64_t> parse_exposure(const std::string& text);

int run_harden(const HardenOptions& options, const Environment& env, std::ostream& out,
               std::ostream& err);

}  // namespace hardnut
