// Baselines for CI (--baseline=FILE): the exposures of a known-good run.
// A later run fails only for units that got worse than the baseline, or
// that are new and above the threshold.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace hardnut {

using Exposures = std::map<std::string, uint64_t>;  // unit -> exposure 0..100

std::string format_baseline(const Exposures& exposures);
// false and `error` set when the text is not a hardnut baseline.
bool parse_baseline(const std::string& text, Exposures& exposures, std::string& error);

struct Regression {
  std::string unit;
  bool is_new;  // not in the baseline
  uint64_t before, after;
};

// Units worse than the baseline, and new units above `threshold`.
std::vector<Regression> compare_with_baseline(const Exposures& baseline, const Exposures& now,
                                              unsigned threshold);

}  // namespace hardnut
