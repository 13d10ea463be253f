// Finding the changes that broke a service: delta debugging over a
// drop-in's changes, one live try per candidate set. The whole set is known
// to fail and the empty set to work; each round finds the shortest failing
// prefix of what is left by binary search, names its last change as a
// culprit, drops it and tries the rest. About log2(n)+1 tries per culprit.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hardnut {

struct TryOutcome {
  bool passed = false;
  std::string evidence;  // what failed, when it did
};

// One try: the changes (indices, in order) to put in force; nullopt when
// the run was interrupted.
using TryChanges = std::function<std::optional<TryOutcome>(const std::vector<size_t>&)>;

struct Culprit {
  size_t change;
  std::string evidence;  // the failure of the shortest failing set ending in it
};

struct BisectResult {
  std::vector<size_t> kept;        // the largest set found to pass (empty: none but nothing)
  bool kept_was_last_try = false;  // the last try ran exactly `kept` (and passed)
  std::vector<Culprit> culprits;
  int tries = 0;
  bool exhausted = false;  // --max-tries ran out before the search ended
  bool interrupted = false;
};

// `count` changes, of which all together failed with `full_failure`.
BisectResult bisect_changes(size_t count, const std::string& full_failure, int max_tries,
                            const TryChanges& try_changes);

}  // namespace hardnut
