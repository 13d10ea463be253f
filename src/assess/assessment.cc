#include "assess/assessment.h"

#include <algorithm>
#include <charconv>
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

// strcmp() on the texts (which may hold a NUL when a policy or a unit file
// put one there: the comparison stops at it, as in C).
int c_compare(std::string_view a, std::string_view b) {
  a = a.substr(0, a.find('\0'));
  b = b.substr(0, b.find('\0'));
  int r = a.compare(b);
  return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

// The rank of each description text in strcmp order, remembered per thread
// across units: the rows of a unit repeat the same few hundred static texts,
// so sorting compares ranks instead of strings. Texts are looked up by content
// (hash of length and three 8-byte samples, then a full comparison).
class DescriptionRanks {
 public:
  DescriptionRanks() : slots_(kSlots, -1) {}

  // Grows with every text added: ranks handed out before are stale then.
  size_t generation() const { return entries_.size(); }

  // rank(), first looked up by address for a text with static storage
  // (DescriptionText::borrowed): the same literal comes back unit after
  // unit, and then neither hashing nor comparing its bytes is needed.
  uint32_t rank_of_static(std::string_view text) {
    auto bits = reinterpret_cast<uintptr_t>(text.data());
    Known& k = known_[((bits >> 3) ^ (bits >> 11)) & (kKnown - 1)];
    if (k.data == text.data() && k.size == text.size() && k.generation == entries_.size())
      return k.rank;
    uint32_t r = rank(text);
    k = {text.data(), text.size(), entries_.size(), r};
    return r;
  }

  // 1-based rank; 0 when the text has none (too many texts, or a NUL).
  uint32_t rank(std::string_view text) {
    uint64_t h = hash(text);
    for (size_t i = h & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      int32_t e = slots_[i];
      if (e < 0) return insert(text, h, i);
      const Entry& entry = entries_[static_cast<size_t>(e)];
      if (entry.hash == h && entry.text == text) return entry.rank;
    }
  }

 private:
  static constexpr size_t kMaxTexts = 2048;
  static constexpr size_t kSlots = 4096;  // a power of two, twice kMaxTexts
  struct Entry {
    std::string text;
    uint64_t hash;
    uint32_t rank;
  };

  static uint64_t load(const char* p, size_t n) {
    uint64_t v = 0;
    if (n != 0) std::memcpy(&v, p, n < 8 ? n : 8);
    return v;
  }
  static uint64_t hash(std::string_view t) {
    size_t n = t.size();
    uint64_t h = n * 0x9e3779b97f4a7c15ULL;
    h ^= load(t.data(), n) * 0xbf58476d1ce4e5b9ULL;
    if (n > 8) h ^= load(t.data() + n - 8, 8) * 0x94d049bb133111ebULL;
    if (n > 16) h += load(t.data() + n / 2 - 4, 8);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
  }

  uint32_t insert(std::string_view text, uint64_t h, size_t slot) {
    if (entries_.size() >= kMaxTexts || text.find('\0') != std::string_view::npos) return 0;
    auto added = static_cast<uint32_t>(entries_.size());
    slots_[slot] = static_cast<int32_t>(added);
    entries_.push_back({std::string(text), h, 0});
    // Each text comes once per thread: it goes into its place in the
    // sorted order, and the texts after it move one rank down.
    auto at =
        std::lower_bound(sorted_.begin(), sorted_.end(), text,
                         [&](uint32_t e, std::string_view t) { return entries_[e].text < t; });
    at = sorted_.insert(at, added);
    for (auto k = at; k != sorted_.end(); ++k)
      entries_[*k].rank = static_cast<uint32_t>(k - sorted_.begin()) + 1;
    return entries_.back().rank;
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> sorted_;  // entries_ indexes in strcmp order
  std::vector<int32_t> slots_;
  struct Known {
    const char* data = nullptr;
    size_t size = 0;
    size_t generation = 0;  // entries_.size() when it was ranked
    uint32_t rank = 0;
  };
  static constexpr size_t kKnown = 512;  // a power of two
  Known known_[kKnown];
};

// What the sort looks at, per row: the check, its definition order and its
// description with that text's rank (0: compare the texts).
struct SortKey {
  const Check* check;
  size_t index;
  std::string_view text;
  uint32_t rank;
  bool has_description;
  // When the order between two rows that both have one follows from it:
  // (description rank, descending; name rank; index) in one number.
  uint64_t key;
};

// systemd sorts rows by description (descending), then name, then
// definition order, with glibc's merge sort. A row without a description
// compares by definition order (reversed); that comparison is not a
// consistent order, so the algorithm itself must match to get its output.
int compare_rows(const SortKey& a, const SortKey& b, RowOrder order) {
  if (order == RowOrder::kByWeight) {
    // Up to 249 the sort column was the (static) weight, descending.
    if (a.check->weight != b.check->weight) return a.check->weight > b.check->weight ? -1 : 1;
  } else if (a.has_description && b.has_description) {
    // Equal ranks are equal texts; ranks follow strcmp.
    if (a.rank && b.rank) {
      if (a.rank != b.rank) return a.rank < b.rank ? 1 : -1;
    } else if (int r = c_compare(a.text, b.text); r != 0) {
      return -r;
    }
  } else if (order == RowOrder::kByDescriptionMissingFirst) {
    // 258+ puts a row without description before every row with one.
    if (a.has_description || b.has_description) return a.has_description ? 1 : -1;
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
void merge_sort(int* items, size_t n, int* scratch, const SortKey* keys, RowOrder order) {
  if (n <= 1) return;
  size_t n1 = n / 2, n2 = n - n1;
  int* b1 = items;
  int* b2 = items + n1;
  merge_sort(b1, n1, scratch, keys, order);
  merge_sort(b2, n2, scratch, keys, order);
  auto cmp = [&](int x, int y) {
    if (x < 0) return y < 0 ? 0 : -1;
    if (y < 0) return 1;
    const SortKey& a = keys[x];
    const SortKey& b = keys[y];
    if (a.key && b.key) return a.key < b.key ? -1 : (a.key > b.key ? 1 : 0);
    return compare_rows(a, b, order);
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
  char buf[32];
  char* end = std::to_chars(buf, buf + sizeof buf - 2, tenths / 10).ptr;
  *end++ = '.';
  *end++ = static_cast<char>('0' + tenths % 10);
  return std::string(buf, end);
}

Assessment assess(const ExecSettings& settings, const std::vector<Check>& checks,
                  const Policy& policy, const RuleContext& context) {
  Assessment a;
  a.unit_id = settings.unit_id;
  // Scratch space kept per thread: a scan assesses many units.
  thread_local std::vector<CheckResult> rows;
  thread_local std::vector<SortKey> keys;
  thread_local std::vector<int> order, scratch;
  thread_local DescriptionRanks ranks;
  thread_local DescriptionRanks name_ranks;  // of the check names
  rows.clear();
  rows.reserve(checks.size());
  for (size_t i = 0; i < checks.size(); ++i) {
    const Check& c = checks[i];
    const CheckOverride* o = nullptr;
    // Most runs have no policy: skip building the key for each check.
    if (!policy.empty())
      if (auto it = policy.find(std::string(c.json_field)); it != policy.end()) o = &it->second;
    CheckResult r{&c, i, 0, c.weight, c.range, {}, std::nullopt};
    if (o && o->weight) r.weight = *o->weight;
    if (o && o->range) r.range = *o->range;

    if (c.default_dependencies_only && !settings.default_dependencies) {
      r.badness = kNotApplicable;
      r.description =
          DescriptionText::borrowed(context.version ? context.version->special_boot_phase
                                                    : default_systemd_version().special_boot_phase);
    } else if (r.weight == 0) {
      r.badness = kNotApplicable;
      r.description = DescriptionText::borrowed("Option excluded by policy, skipping");
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
                      const std::optional<std::string>& custom) -> DescriptionText {
        if (custom) return DescriptionText::owned(*custom);
        if (table.empty()) return {};
        return DescriptionText::borrowed(table);
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
  const SystemdVersion& version = context.version ? *context.version : default_systemd_version();
  bool by_description = version.row_order != RowOrder::kByWeight;
  keys.clear();
  size_t generation = ranks.generation();
  for (auto& r : rows) {
    if (r.badness != kNotApplicable && r.badness != 0)
      r.exposure = ceil_div(ceil_div(r.badness * r.weight * 100, r.range), a.weight_sum);
    std::string_view text = r.description ? *r.description : std::string_view();
    uint32_t rank = 0;
    if (by_description && r.description)
      // Only static texts are ranked: there are a few hundred of them, while
      // composed ones (device lists, ...) could be as many as the units.
      rank = r.description.is_borrowed() ? ranks.rank_of_static(text) : 0;
    keys.push_back({r.check, r.index, text, rank, r.description.has_value(), 0});
  }
  // A text new to this thread re-ranks all: take the ranks again.
  if (ranks.generation() != generation)
    for (auto& k : keys)
      if (k.rank) k.rank = ranks.rank(k.text);
  // Two rows with ranked descriptions compare by description, then name,
  // then definition order (compare_rows()): as one number each, when the
  // name is ranked too (names are static, the check table's).
  if (by_description) {
    size_t name_generation = name_ranks.generation();
    for (int pass = 0; pass < 2; ++pass) {
      for (auto& k : keys) {
        uint32_t name_rank = k.rank ? name_ranks.rank_of_static(k.check->name) : 0;
        k.key = k.rank && name_rank && k.index < (uint64_t{1} << 20)
                    ? (uint64_t{0xffffff - k.rank} << 40) | (uint64_t{name_rank} << 20) | k.index
                    : 0;
      }
      // A name new to this thread re-ranks the names: once more.
      if (name_ranks.generation() == name_generation) break;
      name_generation = name_ranks.generation();
    }
  }
  order.resize(rows.size() + 1);
  scratch.resize(rows.size() + 1);
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i) - 1;
  merge_sort(order.data(), order.size(), scratch.data(), keys.data(), version.row_order);
  a.rows.reserve(rows.size());
  for (size_t i = 1; i < order.size(); ++i)
    a.rows.push_back(std::move(rows[static_cast<size_t>(order[i])]));
  rows.clear();
  return a;
}

}  // namespace hardnut
