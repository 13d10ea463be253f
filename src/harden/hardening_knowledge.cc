#include "harden/hardening_knowledge.h"

#include <fnmatch.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <stdexcept>

#include "base/embedded_data.h"

namespace hardnut {

namespace {

using nlohmann::json;

// Descriptions are prose written by many hands ("daily AIDE check",
// "Security audit and vulnerability scanner"): their patterns ignore case.
constexpr auto kDescriptionSyntax = std::regex::ECMAScript | std::regex::icase;

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  for (const auto& v : j.at(key)) out.push_back(v.get<std::string>());
  return out;
}

// "a&!b" -> {("a", false), ("b", true)}
std::vector<std::pair<std::string, bool>> terms(const std::string& condition) {
  std::vector<std::pair<std::string, bool>> out;
  size_t i = 0;
  while (i <= condition.size()) {
    size_t j = condition.find('&', i);
    if (j == std::string::npos) j = condition.size();
    std::string t = condition.substr(i, j - i);
    bool negated = !t.empty() && t[0] == '!';
    out.emplace_back(negated ? t.substr(1) : t, negated);
    i = j + 1;
  }
  return out;
}

}  // namespace

std::optional<Risk> parse_risk(std::string_view s) {
  if (s == "safe") return Risk::kSafe;
  if (s == "standard") return Risk::kStandard;
  if (s == "aggressive") return Risk::kAggressive;
  return std::nullopt;
}

const char* risk_name(Risk r) {
  switch (r) {
    case Risk::kSafe:
      return "safe";
    case Risk::kStandard:
      return "standard";
    case Risk::kAggressive:
      return "aggressive";
  }
  return "?";
}

bool parse_knowledge(std::string_view text, Knowledge& out, std::string& error) {
  try {
    json doc = json::parse(text);
    if (doc.value("format", 0) != 1) {
      error = "unsupported knowledge format";
      return false;
    }
    Knowledge k;
    for (const auto& s : doc.at("signals")) {
      SignalDef d;
      d.name = s.at("name").get<std::string>();
      d.means = s.value("means", "");
      d.any = strings(s, "any");
      d.binaries = strings(s, "binaries");
      d.arguments = strings(s, "arguments");
      for (const auto& a : d.arguments) std::regex check(a);  // throws on a bad pattern
      d.descriptions = strings(s, "descriptions");
      for (const auto& pattern : d.descriptions) {
        try {
          std::regex check(pattern, kDescriptionSyntax);
        } catch (const std::regex_error& e) {
          error = "signal " + d.name + ": bad description pattern '" + pattern + "': " + e.what();
          return false;
        }
      }
      k.signals.push_back(std::move(d));
    }
    std::set<std::string> ids;
    for (const auto& e : doc.at("entries")) {
      HardeningEntry h;
      h.id = e.at("id").get<std::string>();
      if (!ids.insert(h.id).second) {
        error = "duplicate entry " + h.id;
        return false;
      }
      h.lines = strings(e, "lines");
      h.line_notes = strings(e, "line_notes");
      h.group = e.value("group", "");
      h.restricts = e.at("restricts").get<std::string>();
      h.breaks = e.at("breaks").get<std::string>();
      auto risk = parse_risk(e.at("risk").get<std::string>());
      if (!risk || h.lines.empty() || h.line_notes.size() > h.lines.size()) {
        error = "entry " + h.id + ": bad risk, no lines or too many line notes";
        return false;
      }
      h.risk = *risk;
      if (e.contains("risk_if"))
        for (const auto& r : e.at("risk_if")) {
          auto rr = parse_risk(r.at("risk").get<std::string>());
          if (!rr) {
            error = "entry " + h.id + ": bad risk in risk_if";
            return false;
          }
          h.risk_if.push_back({r.at("when").get<std::string>(), *rr});
        }
      h.since = e.at("since").get<unsigned>();
      h.unsafe_if = strings(e, "unsafe_if");
      k.entries.push_back(std::move(h));
    }
    // Every name a condition uses must be a fact or a signal: a typo would
    // otherwise silently make a change look safe.
    std::set<std::string> names(known_fact_names().begin(), known_fact_names().end());
    for (const auto& s : k.signals) names.insert(s.name);
    auto check = [&](const std::string& condition, const std::string& where) {
      for (const auto& [name, negated] : terms(condition))
        if (!names.count(name) && !std::regex_match(name, std::regex("ambient_has:CAP_[A-Z_]+"))) {
          error = where + ": unknown fact or signal '" + name + "'";
          return false;
        }
      return true;
    };
    for (const auto& s : k.signals)
      for (const auto& a : s.any)
        if (!check(a, "signal " + s.name)) return false;
    for (const auto& h : k.entries) {
      for (const auto& c : h.unsafe_if)
        if (!check(c, "entry " + h.id)) return false;
      for (const auto& r : h.risk_if)
        if (!check(r.when, "entry " + h.id)) return false;
    }
    // Rules of the whole file, applied by risk_for() to every entry, and
    // the launchers that exec_wrappers.cc looks through.
    if (doc.contains("risk_rules"))
      for (const auto& r : doc.at("risk_rules")) {
        auto from = parse_risk(r.at("from").get<std::string>());
        auto to = parse_risk(r.at("to").get<std::string>());
        if (!from || !to) {
          error = "risk_rules: bad risk";
          return false;
        }
        k.risk_rules.push_back({r.at("when").get<std::string>(), *from, *to, r.value("why", "")});
        if (!check(k.risk_rules.back().when, "risk_rules")) return false;
      }
    for (auto& h : k.entries) h.risk_rules = k.risk_rules;
    if (doc.contains("launchers") && !parse_launcher_table(doc.at("launchers"), k.launchers, error))
      return false;
    out = std::move(k);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

const Knowledge& builtin_knowledge() {
  static const Knowledge k = [] {
    Knowledge parsed;
    std::string error;
    if (!parse_knowledge(embedded_file("hardening.json.txt"), parsed, error))
      throw std::runtime_error("data/hardening.json.txt: " + error);
    return parsed;
  }();
  return k;
}

Signals evaluate_signals(const Knowledge& knowledge, const UnitFacts& facts) {
  Signals out(facts.facts.begin(), facts.facts.end());
  std::map<std::string, const SignalDef*> defs;
  for (const auto& s : knowledge.signals) defs[s.name] = &s;
  // Signals refer to each other through `any`; evaluate depth first, with
  // a guard so that a cycle in the data ends instead of recursing forever.
  std::set<std::string> done;
  std::function<bool(const std::string&)> eval = [&](const std::string& name) -> bool {
    if (out.count(name)) return true;
    auto it = defs.find(name);
    if (it == defs.end() || !done.insert(name).second) return false;
    const SignalDef& s = *it->second;
    for (const auto& a : s.any)
      if (eval(a)) {
        out[name] = out[a];
        return true;
      }
    for (const auto& c : facts.commands) {
      for (const auto& pattern : s.binaries)
        if (!c.binary.empty() && fnmatch(pattern.c_str(), c.binary.c_str(), 0) == 0) {
          // A command behind a wrapper says how the unit gets to it.
          out[name] = c.via.empty() ? c.key + "= runs " + c.binary : c.via;
          return true;
        }
      for (const auto& pattern : s.arguments)
        if (std::regex_search(c.line, std::regex(pattern))) {
          out[name] =
              c.via.empty() ? c.key + "= runs \"" + c.line + "\"" : c.via + " (\"" + c.line + "\")";
          return true;
        }
    }
    const std::string description = facts.last("Unit.Description");
    if (!description.empty())
      for (const auto& pattern : s.descriptions)
        if (std::regex_search(description, std::regex(pattern, kDescriptionSyntax))) {
          out[name] = "Description= says \"" + description + "\"";
          return true;
        }
    return false;
  };
  for (const auto& s : knowledge.signals) eval(s.name);
  return out;
}

bool condition_holds(const std::string& condition, const Signals& signals, std::string* why) {
  std::string evidence;
  for (const auto& [name, negated] : terms(condition)) {
    auto it = signals.find(name);
    bool holds = it != signals.end();
    if (holds == negated) return false;
    if (!negated) evidence += (evidence.empty() ? "" : "; ") + it->second;
  }
  if (why) *why = evidence;
  return true;
}

Risk risk_for(const HardeningEntry& entry, const Signals& signals) {
  Risk risk = entry.risk;
  for (const auto& r : entry.risk_if)
    if (condition_holds(r.when, signals, nullptr)) {
      risk = r.risk;
      break;
    }
  for (const auto& rule : entry.risk_rules)
    if (risk == rule.from && condition_holds(rule.when, signals, nullptr)) risk = rule.to;
  return risk;
}

std::vector<std::string> unsafe_reasons(const HardeningEntry& entry, const Signals& signals) {
  std::vector<std::string> out;
  for (const auto& c : entry.unsafe_if) {
    std::string why;
    if (condition_holds(c, signals, &why)) out.push_back(c + ": " + why);
  }
  return out;
}

}  // namespace hardnut
