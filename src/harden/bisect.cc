#include "harden/bisect.h"

namespace hardnut {

BisectResult bisect_changes(size_t count, const std::string& full_failure, int max_tries,
                            const TryChanges& try_changes) {
  BisectResult r;
  std::vector<size_t> remaining(count);
  for (size_t i = 0; i < count; ++i) remaining[i] = i;
  std::vector<size_t> last_tried;
  bool last_passed = false;
  auto prefix = [&](size_t n) {
    return std::vector<size_t>(remaining.begin(), remaining.begin() + static_cast<long>(n));
  };
  auto attempt = [&](size_t length) {
    ++r.tries;
    last_tried = prefix(length);
    auto outcome = try_changes(last_tried);
    last_passed = outcome && outcome->passed;
    return outcome;
  };
  auto finish = [&](std::vector<size_t> kept) {
    r.kept = std::move(kept);
    r.kept_was_last_try = last_passed && last_tried == r.kept;
    return r;
  };
  if (count == 0) return r;
  size_t good = 0;                              // remaining[0, good) is known to pass
  std::string failing_evidence = full_failure;  // of all of remaining
  for (;;) {
    // The shortest failing prefix: remaining[0, good) passes, all fails.
    size_t bad = remaining.size();
    while (bad - good > 1) {
      if (r.tries >= max_tries) {
        r.exhausted = true;
        return finish(prefix(good));
      }
      size_t mid = good + (bad - good) / 2;
      auto outcome = attempt(mid);
      if (!outcome) {
        r.interrupted = true;
        return finish(prefix(good));
      }
      if (outcome->passed) {
        good = mid;
      } else {
        bad = mid;
        failing_evidence = outcome->evidence;
      }
    }
    // remaining[0, bad - 1) passes and adding remaining[bad - 1] fails.
    r.culprits.push_back({remaining[bad - 1], failing_evidence});
    remaining.erase(remaining.begin() + static_cast<long>(bad - 1));
    if (good == remaining.size()) return finish(remaining);
    if (r.tries >= max_tries) {
      r.exhausted = true;
      return finish(prefix(good));
    }
    auto outcome = attempt(remaining.size());
    if (!outcome) {
      r.interrupted = true;
      return finish(prefix(good));
    }
    if (outcome->passed) return finish(remaining);
    failing_evidence = outcome->evidence;
  }
}

}  // namespace hardnut
