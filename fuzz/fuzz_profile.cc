// Fuzz target: the profile reader (profile_from_json, what `harden
// --profile=` and `profile --merge` read from a file the user hands over),
// the profile written back, a merge with itself, and the directives derived
// from it (hardening_from_profile) at every level.
#include <string>

#include "fuzz_common.h"
#include "harden/profile_hardening.h"
#include "model/systemd_version.h"
#include "observe/profile.h"

namespace hardnut::fuzz {

int profile_one_input(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto profile = profile_from_json(text, error);
  if (!profile) {
    HARDNUT_FUZZ_CHECK(!error.empty());
    return 0;
  }
  // What is written reads back as the same profile.
  std::string written = profile_to_json(*profile);
  auto again = profile_from_json(written, error);
  HARDNUT_FUZZ_CHECK(again && profile_to_json(*again) == written);
  auto merged = merge_profiles(*profile, *profile, error);
  HARDNUT_FUZZ_CHECK(merged && merged->runs == profile->runs * 2);
  UnitFacts facts;
  facts.unit_type = "service";
  for (Risk level : {Risk::kSafe, Risk::kStandard, Risk::kAggressive})
    for (bool without_startup : {false, true}) {
      ProfileHardening h =
          hardening_from_profile(*profile, facts, {}, syscall_table(), {level, without_startup});
      for (const auto& e : h.entries) {
        HARDNUT_FUZZ_CHECK(!e.lines.empty());
        // One directive per line: a profile's strings never become more lines.
        for (const auto& l : e.lines)
          HARDNUT_FUZZ_CHECK(l.find('\n') == std::string::npos && l.find('=') != std::string::npos);
      }
    }
  return 0;
}

}  // namespace hardnut::fuzz

HARDNUT_FUZZ_ENTRY(profile_one_input)
