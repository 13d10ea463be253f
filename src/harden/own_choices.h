// The unit's own choices are evidence: a directive its fragment or drop-ins
// set (to any value, a weaker one included) says what the package or the
// admin decided for this service. hardnut changes such a directive only at
// the aggressive level, and then says so, quoting the comment above it.
#pragma once

#include <string>
#include <vector>

#include "harden/hardening_knowledge.h"
#include "harden/unit_facts.h"

namespace hardnut {

// One line of a change that replaces what the unit set itself.
struct OverriddenChoice {
  std::string line;  // the change's line, "PrivateDevices=yes"
  std::string key;   // "PrivateDevices"
  OwnSetting own;    // what the unit says, where, and the comment above it
};

// The lines of `entry` that would replace a setting of the unit's own
// files with another value; empty when the change sets only what the unit
// leaves open (or repeats what it says).
std::vector<OverriddenChoice> overridden_choices(const HardeningEntry& entry,
                                                 const UnitFacts& facts);

// "overrides the unit's own PrivateDevices=no (/lib/.../x.service:12),
// whose comment says: \"we need those to see the real system\"".
std::string describe(const OverriddenChoice& choice);

// The entry's risk for the unit: its knowledge risk, raised to aggressive
// when it overrides one of the unit's own choices.
Risk effective_risk(const HardeningEntry& entry, const Signals& signals, const UnitFacts& facts);

}  // namespace hardnut
