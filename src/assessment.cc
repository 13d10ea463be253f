#include "assessment.h"

#include <cstring>

namespace hardnut {

namespace {

uint64_t ceil_div(uint64_t x, uint64_t y) { return x / y + (x % y != 0); }

constexpr Predicate kPredicates[] = {
    {"DANGEROUS", "\xf0\x9f\xa4\xa2", ":-[", "\x1b[1;31m"},
    {"UNSAFE", "\xf0\x9f\x98\xa8", ":-{", "\x1b[0;1;31m"},
    {"EXPOSED", "\xf0\x9f\x99\x81", ":-(", "\x1b[0;1;38;5;185m"},
    {"MEDIUM", "\xf0\x9f\x98\x90", ":-|", ""},
    {"OK", "\xf0\x9f\x99\x82", ":-)", "\x1b[0;1;32m"},
    {"SAFE", "\xf0\x9f\x98\x80", ":-}", "\x1b[0;1;32m"},
    {"PERFECT", "\xf0\x9f\x98\x87", ":-]", "\x1b[1;32m"},
};
constexpr uint64_t kThresholds[] = {100, 90, 75, 50, 10, 1, 0};

// systemd sorts rows by description (descending), then name, then
// definition order, with glibc's merge sort. A row without a description
// compares by definition order (reversed); that comparison is not a
// consistent order, so the algorithm itself must match to get its output.
int compare_rows(const CheckResult& a, const CheckResult& b, RowOrder order) {
  if (order == RowOrder::kByWeight) {
    // Up to 249 the sort column was the (static) weight, descending.
    if (a.check->weight != b.check->weight) return a.check->weight > b.check->weight ? -1 : 1;
  } else if (a.description && b.description) {
    int r = std::strcmp(a.description->c_str(), b.description->c_str());
    if (r != 0) return -r;
  } else if (order == RowOrder::kByDescriptionMissingFirst) {
    // 258+ puts a row without description before every row with one.
    if (a.description || b.description) return a.description ? 1 : -1;
  } else if (a.index != b.index) {
    return a.index < b.index ? 1 : -1;
  }
  // Check names hold no NUL, so comparing the views orders them as strcmp
  // does, without copying both names for every comparison.
  int r = a.check->name.compare(b.check->name);
  if (r != 0) return r;
  return a.index < b.index ? -1 : (a.index > b.index ? 1 : 0);
}

// glibc's qsort for small element counts: top-down merge sort, first half
// of n/2 elements, taking from the first half while cmp <= 0. Elements are
// row positions; -1 is the table's header row, which sorts first.
void merge_sort(int* items, size_t n, int* scratch, const std::vector<CheckResult>& rows,
                RowOrder order) {
  if (n <= 1) return;
  size_t n1 = n / 2, n2 = n - n1;
  int* b1 = items;
  int* b2 = items + n1;
  merge_sort(b1, n1, scratch, rows, order);
  merge_sort(b2, n2, scratch, rows, order);
  auto cmp = [&](int x, int y) {
    if (x < 0) return y < 0 ? 0 : -1;
    if (y < 0) return 1;
    return compare_rows(rows[static_cast<size_t>(x)], rows[static_cast<size_t>(y)], order);
  };
  size_t i = 0, j = 0, k = 0;
  while (i < n1 && j < n2) scratch[k++] = cmp(b1[i], b2[j]) <= 0 ? b1[i++] : b2[j++];
  while (i < n1) scratch[k++] = b1[i++];
  // What is left of the second half is already in place.
  for (size_t m = 0; m < k; ++m) items[m] = scratch[m];
}

}  // namespace

const Predicate& predicate_for(uint64_t exposure) {
  for (size_t i = 0; i < std::size(kThresholds); ++i)
    if (exposure >= kThresholds[i]) return kPredicates[i];
  return kPredicates[std::size(kPredicates) - 1];
}

std::string format_tenths(uint64_t tenths) {
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

Assessment assess(const ExecSettings& settings, const std::vector<Check>& checks,
                  const Policy& policy, const RuleContext& context) {
  Assessment a;
  a.unit_id = settings.unit_id;
  std::vector<CheckResult> rows;
  rows.reserve(checks.size());
  for (size_t i = 0; i < checks.size(); ++i) {
    const Check& c = checks[i];
    const CheckOverride* o = nullptr;
    // Most runs have no policy: skip building the key for each check.
    if (!policy.empty())
      if (auto it = policy.find(std::string(c.json_field)); it != policy.end()) o = &it->second;
    CheckResult r{&c, i, 0, c.weight, c.range, std::nullopt, std::nullopt};
    if (o && o->weight) r.weight = *o->weight;
    if (o && o->range) r.range = *o->range;

    if (c.default_dependencies_only && !settings.default_dependencies) {
      r.badness = kNotApplicable;
      r.description = std::string(context.version ? context.version->special_boot_phase
                                                  : default_systemd_version().special_boot_phase);
    } else if (r.weight == 0) {
      r.badness = kNotApplicable;
      r.description = "Option excluded by policy, skipping";
    } else {
      CheckOutcome outcome = c.rule(settings, c, context);
      r.badness = outcome.badness;
      r.description = std::move(outcome.description);
      if (r.badness != kNotApplicable) {
        if (r.range == 0) throw AssessmentError{"range of " + std::string(c.json_field) + " is 0"};
        if (r.badness > r.range)
          throw AssessmentError{"badness " + std::to_string(r.badness) + " of " +
                                std::string(c.json_field) + " exceeds its range " +
                                std::to_string(r.range)};
      }
    }
    if (!r.description) {
      // The static range decides which table string applies (as in systemd).
      auto pick = [&](std::string_view table,
                      const std::optional<std::string>& custom) -> std::optional<std::string> {
        if (custom) return custom;
        if (table.empty()) return std::nullopt;
        return std::string(table);
      };
      if (r.badness == kNotApplicable)
        r.description = pick(c.description_na, o ? o->description_na : std::nullopt);
      else if (r.badness == c.range)
        r.description = pick(c.description_bad, o ? o->description_bad : std::nullopt);
      else if (r.badness == 0)
        r.description = pick(c.description_good, o ? o->description_good : std::nullopt);
    }
    if (r.badness != kNotApplicable) {
      a.badness_sum += ceil_div(r.badness * r.weight, r.range);
      a.weight_sum += r.weight;
    }
    rows.push_back(std::move(r));
  }
  if (a.weight_sum == 0) throw AssessmentError{"every check has weight 0"};
  a.exposure = ceil_div(a.badness_sum * 100, a.weight_sum);
  for (auto& r : rows) {
    if (r.badness != kNotApplicable && r.badness != 0)
      r.exposure = ceil_div(ceil_div(r.badness * r.weight * 100, r.range), a.weight_sum);
  }
  std::vector<int> order(rows.size() + 1), scratch(rows.size() + 1);
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i) - 1;
  const SystemdVersion& version = context.version ? *context.version : default_systemd_version();
  merge_sort(order.data(), order.size(), scratch.data(), rows, version.row_order);
  a.rows.reserve(rows.size());
  for (size_t i = 1; i < order.size(); ++i)
    a.rows.push_back(std::move(rows[static_cast<size_t>(order[i])]));
  return a;
}

}  // namespace hardnut
