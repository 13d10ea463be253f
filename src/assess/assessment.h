// Scoring: runs every check over a unit's effective settings and turns the
// badness values into systemd's exposure (0..100 tenths) and predicate.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "assess/checks.h"
#include "assess/policy.h"

namespace hardnut {

struct CheckResult {
  const Check* check;
  size_t index;      // definition order
  uint64_t badness;  // kNotApplicable for n/a
  uint64_t weight;   // after the policy
  uint64_t range;    // after the policy
  DescriptionText description;
  // Per-row EXPOSURE in tenths; nullopt when empty (badness 0 or n/a).
  std::optional<uint64_t> exposure;
};

struct Assessment {
  std::string unit_id;
  std::string fragment_path;      // the unit file, for the terminal's link to it
  std::vector<CheckResult> rows;  // in systemd's print order
  uint64_t exposure = 0;          // 0..100
  uint64_t weight_sum = 0;
  uint64_t badness_sum = 0;
};

struct Predicate {
  const char* name;   // "UNSAFE"
  const char* emoji;  // UTF-8 smiley
  const char* ascii;  // ":-{"
  const char* color;  // ANSI colour sequence on a terminal, "" for none
};
const Predicate& predicate_for(uint64_t exposure);

// "9.6" for 96.
std::string format_tenths(uint64_t tenths);

// Raised for what systemd 252 answers with an assertion failure (a policy
// that makes a range 0 or smaller than a badness, or zeroes every weight).
struct AssessmentError {
  std::string message;
};

// Throws AssessmentError.
Assessment assess(const ExecSettings& settings, const std::vector<Check>& checks,
                  const Policy& policy, const RuleContext& context);

}  // namespace hardnut
