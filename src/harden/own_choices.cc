#include "harden/own_choices.h"

#include <algorithm>

#include "base/values.h"
#include "directives/directives.h"

namespace hardnut {

namespace {

std::string trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

bool same_value(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto x = parse_boolean(a), y = parse_boolean(b);
  return x && y && *x == *y;
}

}  // namespace

std::vector<OverriddenChoice> overridden_choices(const HardeningEntry& entry,
                                                 const UnitFacts& facts) {
  std::vector<OverriddenChoice> out;
  const std::string section = type_section(facts.unit_type);
  for (const auto& line : entry.lines) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trimmed(std::string_view(line).substr(0, eq));
    auto it = facts.own.find(section + "." + key);
    if (it == facts.own.end() || same_value(trimmed(line.substr(eq + 1)), it->second.value))
      continue;
    out.push_back({line, key, it->second});
  }
  return out;
}

std::string describe(const OverriddenChoice& c) {
  std::string s =
      "overrides the unit's own " + c.key + "=" + c.own.value + " (" + c.own.where + ")";
  if (!c.own.comment.empty()) s += ", whose comment says: \"" + c.own.comment + "\"";
  return s;
}

Risk effective_risk(const HardeningEntry& entry, const Signals& signals, const UnitFacts& facts) {
  Risk r = risk_for(entry, signals);
  return overridden_choices(entry, facts).empty() ? r : std::max(r, Risk::kAggressive);
}

}  // namespace hardnut
