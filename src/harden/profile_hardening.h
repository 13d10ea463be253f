// What an observed profile (observe/profile.h) lets `harden --profile=` and
// `suggest --profile=` add beyond static knowledge: the allow-lists only
// observation can justify (SystemCallFilter=, RestrictAddressFamilies=,
// CapabilityBoundingSet=, ProtectSystem=strict with ReadWritePaths=, ...),
// each line with the observation behind it; and the knowledge changes the
// observation rules out (MemoryDenyWriteExecute= for a service seen mapping
// W+X memory, ...), which the walk must then leave alone.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harden/hardening_knowledge.h"
#include "harden/what_if.h"
#include "model/syscall_filter.h"
#include "observe/profile.h"

namespace hardnut {

struct ProfileHardening {
  // Chosen before the knowledge walk, tagged "observed".
  std::vector<HardeningEntry> entries;
  // Directives the knowledge may not set for this unit, with the observation against each.
  std::map<std::string, std::string> vetoed;
  // Changes left out and why (start-up not covered, the unit's own choice, ...).
  std::vector<std::string> withheld;
};

struct ProfileHardeningOptions {
  Risk level = Risk::kStandard;
  // Allow-lists from a profile that did not watch the start-up (--no-restart).
  bool without_startup = false;
};

ProfileHardening hardening_from_profile(const Profile& profile, const UnitFacts& facts,
                                        const Signals& signals, const SyscallTable& table,
                                        const ProfileHardeningOptions& options);

// The directory ReadWritePaths= should open for a path the service wrote:
// the state directory it is in (/var/lib/NAME, /var/log/NAME, /run/NAME,
// ...), else its parent directory (a directory itself for "dir/" paths).
// "" for the paths ProtectSystem=strict leaves writable (/dev, /proc, /sys).
std::string writable_directory_for(const std::string& path);

// Reads the profile at `path` (of the target's unit) and derives its
// changes for the target, leaving out (as withheld) lines the target's
// systemd version does not accept. nullopt and `error` when the file is
// unreadable, not a profile, or of another unit.
std::optional<ProfileHardening> profile_hardening_for(const std::string& path,
                                                      const HardeningTarget& target,
                                                      const ProfileHardeningOptions& options,
                                                      std::string& error);

// The knowledge with the profile's entries first and without the entries
// that set a key the profile sets or vetoes: what suggest --profile= ranks.
Knowledge knowledge_with_profile(const Knowledge& base, const ProfileHardening& observed);

}  // namespace hardnut
