#include "harden/harden.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "base/version.h"
#include "directives/directives.h"
#include "harden/dropin_install.h"
#include "report/output_style.h"
#include "report/text_table.h"

namespace hardnut {

namespace {

// The lines of the entries in order; a line already present is not
// repeated (several syscall filters share SystemCallErrorNumber=EPERM, and
// assigning the same value twice changes nothing).
std::vector<std::string> lines_of(const std::vector<const HardeningEntry*>& entries) {
  std::vector<std::string> lines;
  for (const auto* e : entries)
    for (const auto& l : e->lines)
      if (std::find(lines.begin(), lines.end(), l) == lines.end()) lines.push_back(l);
  return lines;
}

std::string plain_label(uint64_t exposure) {
  return format_tenths(exposure) + " " + predicate_for(exposure).name;
}

std::string render_steps(const HardenPlan& plan, const std::string& unit, Risk level,
                         const OutputStyle& style) {
  std::string out = "Hardening walk for " + unit + " (level " + risk_name(level) +
                    "), each step re-scored with the changes so far:\n";
  auto row = [&](uint64_t exposure, const std::string& risk, const std::string& change) {
    std::string label = exposure_label(exposure, style);
    // Labels hold a multi-byte smiley; pad by the visible width.
    size_t width = display_width(label);
    out += "  " + label + std::string(width < 20 ? 20 - width : 1, ' ') + risk +
           std::string(risk.size() < 11 ? 11 - risk.size() : 1, ' ') + change + "\n";
  };
  row(plan.base.assessment.exposure, "", "(the unit as it is, without hardnut's drop-in)");
  for (const auto& s : plan.steps) {
    std::string change;
    for (const auto& l : s.entry->lines) change += (change.empty() ? "" : " ") + l;
    if (s.replaces) change += "  (instead of " + s.replaces->lines.front() + ")";
    row(s.exposure_after, risk_name(s.risk), change);
  }
  return out + "\n";
}

}  // namespace

std::optional<uint64_t> parse_exposure(const std::string& text) {
  // "2", "2.0", "10.0": at most one decimal, as exposures are printed.
  unsigned whole = 0, tenth = 0;
  size_t i = 0;
  if (text.empty() || !isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  while (i < text.size() && isdigit(static_cast<unsigned char>(text[i])) && whole <= 10)
    whole = whole * 10 + (text[i++] - '0');
  if (i < text.size()) {
    if (text[i] != '.' || i + 2 != text.size() || !isdigit(static_cast<unsigned char>(text[i + 1])))
      return std::nullopt;
    tenth = text[i + 1] - '0';
  }
  uint64_t t = whole * 10 + tenth;
  if (whole > 10 || t > 100) return std::nullopt;
  return t;
}

HardenPlan plan_hardening(const HardeningTarget& target, const Knowledge& knowledge, Risk level,
                          std::optional<uint64_t> target_exposure) {
  HardenPlan plan;
  plan.base = target.score();
  if (!plan.base.ok) return plan;
  plan.signals = evaluate_signals(knowledge, target.facts());
  plan.walk_exposure = plan.base.assessment.exposure;
  double current = exact_exposure(plan.base.assessment);
  auto reached = [&] { return target_exposure && plan.walk_exposure <= *target_exposure; };
  // A candidate scored against the changes chosen so far.
  struct Scored {
    const HardeningEntry* entry = nullptr;
    const HardeningEntry* replaces = nullptr;
    ScoreResult score;
    double exact = 0;
  };
  auto evaluate = [&](const HardeningEntry& e) {
    Scored s;
    s.entry = &e;
    // Entries of a group are alternatives (ProtectSystem=yes|full|strict):
    // a later one replaces the earlier, never adds to it.
    std::vector<const HardeningEntry*> candidate;
    for (const auto* c : plan.chosen) {
      if (!e.group.empty() && c->group == e.group)
        s.replaces = c;
      else
        candidate.push_back(c);
    }
    candidate.push_back(&e);
    s.score = target.score(lines_of(candidate));
    s.exact = s.score.ok ? exact_exposure(s.score.assessment) : current + 1;
    return s;
  };
  // The gain each candidate had when last scored. Gains mostly shrink as
  // changes accumulate, so candidates are scored best-bound first and the
  // search stops when no bound can beat the best fresh gain (lazy greedy);
  // before giving up, every candidate is scored afresh, so the walk never
  // ends while a change would still lower the exposure.
  std::map<const HardeningEntry*, double> bound;
  constexpr double kEpsilon = 1e-9;
  // Lower risks first: a target is reached with the least risky changes,
  // and the walk reads from harmless to bold.
  for (int tier = 0; tier <= static_cast<int>(level) && !reached(); ++tier) {
    while (!reached()) {
      std::vector<const HardeningEntry*> candidates;
      for (const auto& e : knowledge.entries) {
        if (std::find(plan.chosen.begin(), plan.chosen.end(), &e) != plan.chosen.end()) continue;
        if (static_cast<int>(risk_for(e, plan.signals)) > tier) continue;
        // Never what the target's systemd version does not know or rejects.
        if (e.since > target.version().number || !target.accepts_lines(e.lines)) continue;
        if (!unsafe_reasons(e, plan.signals).empty()) continue;
        candidates.push_back(&e);
      }
      auto bound_of = [&](const HardeningEntry* e) {
        auto it = bound.find(e);
        return it == bound.end() ? std::numeric_limits<double>::infinity() : it->second;
      };
      std::stable_sort(candidates.begin(), candidates.end(),
                       [&](auto* x, auto* y) { return bound_of(x) > bound_of(y); });
      Scored best;
      double best_gain = kEpsilon;
      for (bool exhaustive : {false, true}) {
        for (const auto* e : candidates) {
          if (!exhaustive && best.entry && best_gain >= bound_of(e)) break;
          Scored s = evaluate(*e);
          double gain = current - s.exact;
          bound[e] = gain;
          if (gain > best_gain) {
            best_gain = gain;
            best = std::move(s);
          }
        }
        if (best.entry) break;
      }
      if (!best.entry) break;
      if (best.replaces)
        plan.chosen.erase(std::find(plan.chosen.begin(), plan.chosen.end(), best.replaces));
      plan.chosen.push_back(best.entry);
      current = best.exact;
      plan.walk_exposure = best.score.assessment.exposure;
      plan.steps.push_back({best.entry, risk_for(*best.entry, plan.signals), best.replaces,
                            best.score.assessment.exposure, best.exact});
    }
  }
  return plan;
}

std::vector<std::string> plan_lines(const HardenPlan& plan) { return lines_of(plan.chosen); }

std::string render_dropin(const HardenPlan& plan, const HardeningTarget& target,
                          const std::string& command, uint64_t predicted_after,
                          const OutputStyle&) {
  // The command line goes into a comment: a newline in an argument
  // (--check='a\nb') must not end the comment and become a directive.
  std::string one_line = command;
  for (char& c : one_line)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  std::string out = "# Generated by hardnut " + std::string(HARDNUT_VERSION) + " for " +
                    target.unit_id() + ": " + one_line + "\n";
  out += std::string(kDropinMarker) + "\n";
  out += "# hardnut replaces this file when run again; delete the line above to make it yours.\n";
  out += "# Exposure (as systemd-analyze security scores it): " +
         plain_label(plan.base.assessment.exposure) + " -> " + plain_label(predicted_after) +
         ",\n# predicted by re-scoring the unit with this file in place. Changes known to break\n"
         "# this unit were left out: `hardnut suggest " +
         target.unit_id() + "` lists them with the reasons.\n";
  out += "[" + type_section(target.unit_type()) + "]\n";
  std::set<std::string> written;  // as lines_of(): no line twice
  for (const auto* e : plan.chosen) {
    Risk r = risk_for(*e, plan.signals);
    for (size_t i = 0; i < e->lines.size(); ++i) {
      if (!written.insert(e->lines[i]).second) continue;
      std::string note = i < e->line_notes.size() && !e->line_notes[i].empty() ? e->line_notes[i]
                         : i == 0                                              ? e->restricts
                                  : "part of the change above";
      if (i == 0) note = "[" + std::string(risk_name(r)) + "] " + note;
      out += "# " + note + "\n" + e->lines[i] + "\n";
    }
  }
  return out;
}

int run_harden(const HardenOptions& o, const Environment& env, std::ostream& out,
               std::ostream& err) {
  if (o.apply && !o.target.root.empty()) {
    err << "hardnut: --apply changes the running system; it cannot be combined with --root\n";
    return 1;
  }
  if ((o.write || o.apply) && o.target.scope == Scope::kUser) {
    err << "hardnut: --write and --apply support system units only\n";
    return 1;
  }
  if (o.force && !o.write && !o.apply) {
    err << "hardnut: --force only makes sense with --write or --apply\n";
    return 1;
  }
  if (!o.live.check.empty() && !o.apply) {
    err << "hardnut: --check is run by --apply; add --apply\n";
    return 1;
  }
  TargetOptions topts = o.target;
  topts.without_own_dropin = true;
  std::string error;
  auto target = HardeningTarget::open(topts, env, error);
  if (!target) {
    err << error << "\n";
    return 1;
  }
  if (o.apply && target->dropin_unit_name() != target->unit_id()) {
    err << "hardnut: --apply needs a unit the manager runs, not a template (" << target->unit_id()
        << ")\n";
    return 1;
  }
  OutputStyle style = output_style(env);
  HardenPlan plan = plan_hardening(*target, builtin_knowledge(), o.level, o.target_exposure);
  if (!plan.base.ok) {
    for (const auto& m : plan.base.messages) err << m << "\n";
    return 1;
  }
  if (o.steps) out << render_steps(plan, target->unit_id(), o.level, style);
  if (plan.chosen.empty()) {
    out << "# " << target->unit_id() << ": no change at level " << risk_name(o.level)
        << " lowers the exposure (" << plain_label(plan.base.assessment.exposure)
        << ") without a known conflict; nothing to write.\n";
    return 0;
  }
  // The numbers in the header are comments: rendering them does not
  // change the score, so one re-render with the verified value is exact.
  std::string content = render_dropin(plan, *target, o.command_line, plan.walk_exposure, style);
  ScoreResult verified = target->score_with_dropin(kDropinFileName, content);
  if (!verified.ok) {
    err << "hardnut: the unit does not load with the generated drop-in:\n";
    for (const auto& m : verified.messages) err << "  " << m << "\n";
    return 1;
  }
  uint64_t predicted = verified.assessment.exposure;
  if (predicted != plan.walk_exposure) {
    // Another drop-in sorting after 50-hardnut.conf overrides some lines.
    err << "hardnut: with the drop-in in its place the exposure is " << format_tenths(predicted)
        << ", not " << format_tenths(plan.walk_exposure)
        << ": a later drop-in overrides some of its lines\n";
    content = render_dropin(plan, *target, o.command_line, predicted, style);
  }
  out << content;
  out.flush();
  if (o.target_exposure && predicted > *o.target_exposure) {
    err << "hardnut: " << target->unit_id() << ": the target " << format_tenths(*o.target_exposure)
        << " is not reached at level " << risk_name(o.level)
        << " (best: " << format_tenths(predicted) << "); nothing written"
        << (o.level != Risk::kAggressive ? "; a higher --level may reach it" : "") << "\n";
    return 1;
  }
  err << "hardnut: " << target->unit_id() << ": exposure "
      << plain_label(plan.base.assessment.exposure) << " -> " << plain_label(predicted) << " with "
      << plan.chosen.size() << " changes (re-scored with the drop-in in place)\n";
  if (!o.write && !o.apply) return 0;

  std::string path = target->dropin_host_path();
  DropinInstall install;
  if (!install_dropin(path, content, o.force, install, error)) {
    err << "hardnut: " << error << "\n";
    return 1;
  }
  err << "hardnut: " << (install.unchanged ? "unchanged: " : "wrote ") << path;
  if (!install.backup_path.empty()) err << " (previous file kept as " << install.backup_path << ")";
  err << "\n";
  if (!o.apply) {
    err << "hardnut: to use it: systemctl daemon-reload && systemctl restart " << target->unit_id()
        << "\n";
    return 0;
  }
  LiveApplyOptions live = o.live;
  live.unit = target->unit_id();
  LiveApplyResult r = apply_live(install, live, err);
  if (r.ok) {
    err << "hardnut: " << live.unit << " is active with the drop-in"
        << (live.check.empty() ? "" : " and the check passes") << "\n";
    return 0;
  }
  if (r.interrupted)
    err << "hardnut: interrupted: " << live.unit
        << " was not proven to work with the new drop-in\n";
  else
    err << "hardnut: FAILED: " << live.unit << " with the new drop-in: " << r.broke << "\n";
  if (!r.rolled_back)
    err << "hardnut: could not roll back: " << r.restore_problem << "\n";
  else if (r.restored_ok)
    err << "hardnut: rolled back; " << live.unit
        << " works again with the previous configuration\n";
  else
    err << "hardnut: rolled back, but " << live.unit
        << " does not work with the previous configuration either: " << r.restore_problem << "\n";
  return r.interrupted ? 130 : 1;
}

}  // namespace hardnut
