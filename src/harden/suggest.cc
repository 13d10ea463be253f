#include "harden/suggest.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "harden/own_choices.h"
#include "harden/profile_hardening.h"
#include "report/output_style.h"

namespace hardnut {

namespace {

std::string join_lines(const std::vector<std::string>& lines, const char* sep) {
  std::string s;
  for (const auto& l : lines) s += (s.empty() ? "" : sep) + l;
  return s;
}

std::string gain_text(const Suggestion& s) {
  uint64_t g = s.exposure_before - s.exposure_after;
  // The drop can vanish in systemd's rounding; it still counts towards the
  // total once other changes add up.
  return g ? "-" + format_tenths(g) : "<0.1";
}

// What the unit runs behind its Exec*= lines (exec_wrappers.h), and a
// warning when that could not be determined.
std::string wrapper_text(const SuggestResult& r) {
  std::string out;
  size_t shown = 0, derived = 0;
  for (const auto& c : r.facts.commands)
    if (!c.via.empty() && ++derived <= 10) {
      out += "  " + c.via + "\n";
      ++shown;
    }
  if (derived > shown)
    out += "  ... and " + std::to_string(derived - shown) + " more (--format=json lists them)\n";
  if (!out.empty()) out = "\nWhat it runs, through its wrappers:\n" + out;
  auto unknown = r.signals.find("program_unknown");
  if (unknown != r.signals.end())
    out += "\nWhat this unit runs could not be determined: " + unknown->second +
           "; changes that depend on it are treated as aggressive.\n";
  return out;
}

void render_block(std::string& out, const Suggestion& s, const OutputStyle& style) {
  const char* arrow = style.utf8 ? "→" : "->";
  char head[160];
  snprintf(head, sizeof head, "  %-10s %4s %s %-4s  %5s  v%-4u ", risk_name(s.risk),
           format_tenths(s.exposure_before).c_str(), arrow, format_tenths(s.exposure_after).c_str(),
           gain_text(s).c_str(), s.entry->since);
  out += head + join_lines(s.entry->lines, " ") + "\n";
  std::string indent(36, ' ');
  out += indent + "restricts: " + s.entry->restricts + "\n";
  out += indent + "may break: " + s.entry->breaks + "\n";
  for (const auto& r : s.unsafe_reasons) out += indent + "breaks this unit? " + r + "\n";
  for (const auto& o : s.overrides) out += indent + "own choice: " + o + "\n";
}

}  // namespace

std::optional<Suggestion> evaluate_entry(const HardeningTarget& target, const HardeningEntry& entry,
                                         const UnitFacts& facts, const Signals& signals,
                                         const ScoreResult& base,
                                         const std::vector<std::string>& applied) {
  std::vector<std::string> lines = applied;
  lines.insert(lines.end(), entry.lines.begin(), entry.lines.end());
  ScoreResult after = target.score(lines);
  if (!after.ok) return std::nullopt;
  Suggestion s;
  s.entry = &entry;
  s.risk = effective_risk(entry, signals, facts);
  s.exposure_before = base.assessment.exposure;
  s.exposure_after = after.assessment.exposure;
  s.exact_before = exact_exposure(base.assessment);
  s.exact_after = exact_exposure(after.assessment);
  if (!(s.exact_after < s.exact_before)) return std::nullopt;
  std::map<std::string_view, uint64_t> before;
  for (const auto& r : base.assessment.rows) before[r.check->name] = r.badness;
  for (const auto& r : after.assessment.rows) {
    auto it = before.find(r.check->name);
    if (it != before.end() && r.badness != it->second &&
        (r.badness < it->second || r.badness == kNotApplicable))
      s.improved_checks.emplace_back(r.check->name);
  }
  s.unsafe_reasons = unsafe_reasons(entry, signals);
  for (const auto& o : overridden_choices(entry, facts)) s.overrides.push_back(describe(o));
  return s;
}

SuggestResult suggest(const HardeningTarget& target, const Knowledge& knowledge,
                      const std::vector<std::string>& applied) {
  SuggestResult result;
  result.base = target.score(applied);
  if (!result.base.ok) return result;
  // Signals come from the unit as it would run, with what is applied.
  result.facts = target.facts(applied);
  result.signals = evaluate_signals(knowledge, result.facts);
  for (const auto& e : knowledge.entries) {
    // Never what the target's systemd version does not know or rejects.
    if (e.since > target.version().number || !target.accepts_lines(e.lines)) continue;
    if (auto s = evaluate_entry(target, e, result.facts, result.signals, result.base, applied))
      result.suggestions.push_back(std::move(*s));
  }
  std::stable_sort(result.suggestions.begin(), result.suggestions.end(),
                   [](const Suggestion& a, const Suggestion& b) {
                     if (a.safe_for_unit() != b.safe_for_unit()) return a.safe_for_unit();
                     if (a.plain() != b.plain()) return a.plain();
                     if (a.risk != b.risk) return a.risk < b.risk;
                     return a.exact_gain() > b.exact_gain();
                   });
  std::set<std::string> improved;
  for (const auto& s : result.suggestions)
    improved.insert(s.improved_checks.begin(), s.improved_checks.end());
  for (const auto& r : result.base.assessment.rows)
    if (r.badness != 0 && r.badness != kNotApplicable && r.exposure && *r.exposure > 0 &&
        !improved.count(std::string(r.check->name)))
      result.manual_checks.emplace_back(r.check->name);
  return result;
}

std::string render_suggestions(const SuggestResult& r, const std::string& unit_id,
                               const OutputStyle& style) {
  std::string out = unit_id + ": exposure " + exposure_label(r.base.assessment.exposure, style) +
                    "\nEach change was scored by re-assessing the unit with it in place.\n" +
                    wrapper_text(r);
  size_t plain = 0, own = 0;
  for (const auto& s : r.suggestions) {
    plain += s.plain();
    own += s.safe_for_unit() && !s.plain();
  }
  const char* header = "  RISK       EXPOSURE      GAIN   SINCE  CHANGE\n";
  if (plain) {
    out += "\nChanges (" + std::to_string(plain) + "), by risk, then by gain:\n" + header;
    for (const auto& s : r.suggestions)
      if (s.plain()) render_block(out, s, style);
  } else {
    out += "\nNo change in hardnut's knowledge lowers the exposure without a known conflict.\n";
  }
  if (own) {
    out += "\nOverriding the unit's own settings, only at --level=aggressive (" +
           std::to_string(own) + "):\n" + header;
    for (const auto& s : r.suggestions)
      if (s.safe_for_unit() && !s.plain()) render_block(out, s, style);
  }
  if (plain + own < r.suggestions.size()) {
    out += "\nKnown to break this unit, not suggested (" +
           std::to_string(r.suggestions.size() - plain - own) + "):\n";
    for (const auto& s : r.suggestions)
      if (!s.safe_for_unit()) render_block(out, s, style);
  }
  if (!r.manual_checks.empty())
    out += "\nStill exposed, no directive change suggested: " + join_lines(r.manual_checks, ", ") +
           "\n";
  return out;
}

std::string render_suggestions_json(const SuggestResult& r, const std::string& unit_id) {
  using nlohmann::json;
  json doc;
  doc["unit"] = unit_id;
  doc["exposure"] = r.base.assessment.exposure / 10.0;
  doc["signals"] = json::object();
  for (const auto& [name, why] : r.signals) doc["signals"][name] = why;
  doc["runs"] = json::array();  // what the Exec*= lines run behind their wrappers
  for (const auto& c : r.facts.commands)
    if (!c.via.empty())
      doc["runs"].push_back(
          {{"key", c.key}, {"command", c.line}, {"binary", c.binary}, {"via", c.via}});
  doc["suggestions"] = json::array();
  for (const auto& s : r.suggestions) {
    json j;
    j["id"] = s.entry->id;
    j["lines"] = s.entry->lines;
    j["risk"] = risk_name(s.risk);
    j["exposure_after"] = s.exposure_after / 10.0;
    j["gain"] = (s.exposure_before - s.exposure_after) / 10.0;
    j["exact_gain"] = s.exact_gain() / 10.0;
    j["since"] = s.entry->since;
    j["restricts"] = s.entry->restricts;
    j["breaks"] = s.entry->breaks;
    j["safe_for_unit"] = s.safe_for_unit();
    j["unsafe_reasons"] = s.unsafe_reasons;
    j["overrides_own_settings"] = s.overrides;
    j["improved_checks"] = s.improved_checks;
    doc["suggestions"].push_back(std::move(j));
  }
  doc["manual_checks"] = r.manual_checks;
  return doc.dump(2) + "\n";
}

int run_suggest(const SuggestOptions& o, const Environment& env, std::ostream& out,
                std::ostream& err) {
  if (o.format != "text" && o.format != "json") {
    err << "hardnut: unknown --format=" << o.format << " (text or json)\n";
    return 1;
  }
  std::string error;
  auto target = HardeningTarget::open(o.target, env, error);
  if (!target) {
    err << error << "\n";
    return 1;
  }
  const Knowledge* knowledge = &builtin_knowledge();
  Knowledge with_profile;
  if (!o.profile.empty()) {
    // Every level's observed changes: suggest lists, the user picks.
    auto observed = profile_hardening_for(o.profile, *target,
                                          {Risk::kAggressive, o.profile_without_startup}, error);
    if (!observed) {
      err << error << "\n";
      return 1;
    }
    for (const auto& w : observed->withheld) err << "hardnut: profile: left out " << w << "\n";
    with_profile = knowledge_with_profile(*knowledge, *observed);
    knowledge = &with_profile;
  }
  SuggestResult r = suggest(*target, *knowledge);
  for (const auto& m : r.base.messages) err << m << "\n";
  if (o.format == "json")
    out << render_suggestions_json(r, target->unit_id());
  else
    out << render_suggestions(r, target->unit_id(), output_style(env));
  return 0;
}

}  // namespace hardnut
