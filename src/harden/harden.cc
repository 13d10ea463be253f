#include "harden/harden.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "base/version.h"
#include "directives/directives.h"
#include "harden/dropin_install.h"
#include "harden/own_choices.h"
#include "harden/profile_hardening.h"
#include "harden/verify.h"
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

std::string line_key(const std::string& line) {
  std::string key = line.substr(0, line.find('='));
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
  return key;
}

bool sets_any_key_of(const HardeningEntry& entry, const std::vector<HardeningEntry>& others) {
  for (const auto& line : entry.lines)
    for (const auto& other : others)
      for (const auto& theirs : other.lines)
        if (line_key(line) == line_key(theirs)) return true;
  return false;
}

// A text as the rest of one comment line: a newline must not end the
// comment and become a directive.
std::string one_line_comment(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return text;
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

std::vector<HardeningEntry> requested_entries(const std::vector<std::string>& set_lines) {
  std::vector<HardeningEntry> out;
  for (const auto& line : set_lines) {
    HardeningEntry e;
    e.id = "set:" + line;
    e.lines = {line};
    e.restricts = "asked for on the command line (--set)";
    e.breaks = "whatever the line restricts; hardnut knows nothing about it";
    e.risk = Risk::kSafe;
    e.requested = true;
    e.tag = "--set";
    out.push_back(std::move(e));
  }
  return out;
}

HardenPlan plan_hardening(const HardeningTarget& target, const Knowledge& knowledge, Risk level,
                          std::optional<uint64_t> target_exposure,
                          const std::vector<HardeningEntry>& requested,
                          const std::map<std::string, std::string>& vetoed) {
  HardenPlan plan;
  plan.base = target.score();
  if (!plan.base.ok) return plan;
  plan.facts = target.facts();
  plan.signals = evaluate_signals(knowledge, plan.facts);
  plan.walk_exposure = plan.base.assessment.exposure;
  double current = exact_exposure(plan.base.assessment);
  for (const auto& e : requested) plan.chosen.push_back(&e);
  if (!requested.empty()) {
    ScoreResult with = target.score(lines_of(plan.chosen));
    if (with.ok) {
      current = exact_exposure(with.assessment);
      plan.walk_exposure = with.assessment.exposure;
    }
  }
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
        if (static_cast<int>(effective_risk(e, plan.signals, plan.facts)) > tier) continue;
        // Never what the target's systemd version does not know or rejects.
        if (e.since > target.version().number || !target.accepts_lines(e.lines)) continue;
        if (!unsafe_reasons(e, plan.signals).empty()) continue;
        // What the user asked for with --set is theirs: no change of it.
        if (sets_any_key_of(e, requested)) continue;
        if (std::any_of(e.lines.begin(), e.lines.end(),
                        [&](auto& l) { return vetoed.count(line_key(l)); }))
          continue;
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
      plan.steps.push_back({best.entry, effective_risk(*best.entry, plan.signals, plan.facts),
                            best.replaces, best.score.assessment.exposure, best.exact});
    }
  }
  return plan;
}

std::vector<std::string> plan_lines(const HardenPlan& plan) { return lines_of(plan.chosen); }

std::string render_dropin(const HardenPlan& plan, const HardeningTarget& target,
                          const std::string& command, uint64_t predicted_after,
                          const std::vector<std::string>& withheld) {
  std::string out = "# Generated by hardnut " + std::string(HARDNUT_VERSION) + " for " +
                    target.unit_id() + ": " + one_line_comment(command) + "\n";
  out += std::string(kDropinMarker) + "\n";
  out += "# hardnut replaces this file when run again; delete the line above to make it yours.\n";
  out += "# Exposure (as systemd-analyze security scores it): " +
         plain_label(plan.base.assessment.exposure) + " -> " + plain_label(predicted_after) +
         ",\n# predicted by re-scoring the unit with this file in place. Changes known to break\n"
         "# this unit were left out: `hardnut suggest " +
         target.unit_id() + "` lists them with the reasons.\n";
  for (const auto& w : withheld) out += "# Left out: " + one_line_comment(w) + "\n";
  out += "[" + type_section(target.unit_type()) + "]\n";
  std::set<std::string> written;  // as lines_of(): no line twice
  for (const auto* e : plan.chosen) {
    std::string tag =
        e->requested ? e->tag : risk_name(effective_risk(*e, plan.signals, plan.facts));
    auto overrides = overridden_choices(*e, plan.facts);
    for (size_t i = 0; i < e->lines.size(); ++i) {
      if (!written.insert(e->lines[i]).second) continue;
      std::string note = i < e->line_notes.size() && !e->line_notes[i].empty() ? e->line_notes[i]
                         : i == 0                                              ? e->restricts
                                  : "part of the change above";
      if (i == 0) note = "[" + tag + "] " + note;
      out += "# " + note + "\n";
      for (const auto& o : overrides)
        if (o.line == e->lines[i]) out += "# NOTE: " + one_line_comment(describe(o)) + "\n";
      out += e->lines[i] + "\n";
    }
  }
  return out;
}

std::string explain_unreached(const HardenPlan& plan, const SuggestResult& rest, Risk level,
                              uint64_t target) {
  std::string out = "hardnut: what keeps the exposure above " + format_tenths(target) + ":\n";
  // The checks still adding to the exposure, the heaviest first.
  std::vector<const CheckResult*> rows;
  for (const auto& r : rest.base.assessment.rows)
    if (r.badness != 0 && r.badness != kNotApplicable && r.exposure && *r.exposure > 0)
      rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(),
                   [](auto* a, auto* b) { return *a->exposure > *b->exposure; });
  for (const auto* row : rows) {
    std::string name(row->check->name);
    out += "  " + name + ":";
    bool any = false;
    for (const auto& s : rest.suggestions) {
      if (std::find(s.improved_checks.begin(), s.improved_checks.end(), name) ==
          s.improved_checks.end())
        continue;
      any = true;
      std::string change;
      for (const auto& l : s.entry->lines) change += (change.empty() ? "" : " ") + l;
      std::string why;
      if (!s.unsafe_reasons.empty())
        why = "known to break this unit (" + s.unsafe_reasons.front() + ")";
      else if (!s.overrides.empty())
        why = s.overrides.front() + "; only at --level=aggressive";
      else if (s.risk > level)
        why = std::string("its risk for this unit is ") + risk_name(s.risk) +
              ", above --level=" + risk_name(level);
      else
        why = "an alternative to a change already chosen";
      out += "\n    " + change + ": " + why;
    }
    if (!any) out += " no directive in hardnut's knowledge fixes it";
    out += "\n";
  }
  (void)plan;
  return out;
}

namespace {

// What run_harden prints about a verification or a bisection.
void report_apply(const LiveApplyResult& r, const HardenPlan& plan, const std::string& unit,
                  std::ostream& err) {
  if (r.ok) {
    err << "hardnut: " << unit << " passed verification with "
        << (r.reduced ? std::to_string(r.kept.size()) + " of " + std::to_string(plan.chosen.size())
                      : "all " + std::to_string(plan.chosen.size()))
        << " changes:\n"
        << render_report(r.report);
  }
  for (const auto& c : r.culprits) {
    std::string lines;
    for (const auto& l : plan.chosen[c.change]->lines) lines += (lines.empty() ? "" : " ") + l;
    // The evidence's first line beside the change, the rest indented below.
    std::string evidence;
    for (char ch : c.evidence) evidence += ch == '\n' ? std::string("\n    ") : std::string(1, ch);
    err << "hardnut: broke it: " << lines << ": " << evidence << "\n";
  }
  if (r.exhausted)
    err << "hardnut: --max-tries ran out after " << r.tries
        << " tries; more of the left-out changes may work\n";
  if (r.ok) return;
  if (r.interrupted)
    err << "hardnut: interrupted: " << unit << " was not proven to work with the new drop-in\n";
  else
    err << "hardnut: FAILED: " << unit << ": no set of the changes passed verification: " << r.broke
        << "\n";
  if (!r.rolled_back)
    err << "hardnut: could not roll back: " << r.restore_problem << "\n";
  else if (r.restored_ok)
    err << "hardnut: rolled back; " << unit << " works again with the previous configuration\n";
  else
    err << "hardnut: rolled back, but " << unit
        << " does not work with the previous configuration either: " << r.restore_problem << "\n";
}

}  // namespace

int run_harden(const HardenOptions& o, const Environment& env, std::ostream& out,
               std::ostream& err) {
  bool live = o.apply || o.verify;
  if (live && !o.target.root.empty()) {
    err << "hardnut: --apply and --verify use the running system; they cannot be combined with "
           "--root\n";
    return 1;
  }
  if ((o.write || live) && o.target.scope == Scope::kUser) {
    err << "hardnut: --write, --apply and --verify support system units only\n";
    return 1;
  }
  if (o.verify && (o.apply || o.write)) {
    err << "hardnut: --verify checks the drop-in already installed; it cannot be combined with "
           "--apply or --write\n";
    return 1;
  }
  if (o.force && !o.write && !o.apply) {
    err << "hardnut: --force only makes sense with --write or --apply\n";
    return 1;
  }
  if (!o.live.verify.checks.empty() && !live) {
    err << "hardnut: --check is run by --apply or --verify; add one of them\n";
    return 1;
  }
  if (o.live.verify.soak_seconds < 0 || o.live.max_tries < 0) {
    err << "hardnut: --soak and --max-tries cannot be negative\n";
    return 1;
  }
  // --set lines are changes the user asks for: they go into the drop-in.
  TargetOptions topts = o.target;
  topts.without_own_dropin = !o.verify;
  topts.set_lines.clear();
  std::vector<HardeningEntry> requested = requested_entries(o.target.set_lines);
  std::string error;
  auto target = HardeningTarget::open(topts, env, error);
  if (!target) {
    err << error << "\n";
    return 1;
  }
  if (live && target->dropin_unit_name() != target->unit_id()) {
    err << "hardnut: --apply and --verify need a unit the manager runs, not a template ("
        << target->unit_id() << ")\n";
    return 1;
  }
  LiveApplyOptions live_options = o.live;
  live_options.verify.unit = target->unit_id();
  if (o.verify) {
    err << "hardnut: verifying " << live_options.verify.unit << " as it is configured now\n";
    VerifyReport r =
        verify_service(live_options.verify, service_baseline(live_options.verify), err);
    err << "hardnut: " << live_options.verify.unit
        << (r.ok            ? " passed verification:\n"
            : r.interrupted ? " was interrupted:\n"
                            : " FAILED verification:\n")
        << render_report(r);
    if (!r.ok && !r.interrupted) err << "hardnut: " << r.failure << "\n";
    return r.ok ? 0 : r.interrupted ? 130 : 1;
  }
  for (const auto& e : requested)
    if (!target->accepts_lines(e.lines)) {
      err << "hardnut: --set " << e.lines.front() << " is not accepted by systemd "
          << target->version().number << "\n";
      return 1;
    }
  // A profile's changes come after the user's own lines, never over them.
  std::map<std::string, std::string> vetoed;
  std::vector<std::string> profile_withheld;
  if (!o.profile.empty()) {
    auto observed =
        profile_hardening_for(o.profile, *target, {o.level, o.profile_without_startup}, error);
    if (!observed) {
      err << error << "\n";
      return 1;
    }
    for (auto& e : observed->entries)
      if (!sets_any_key_of(e, requested)) requested.push_back(std::move(e));
    vetoed = std::move(observed->vetoed);
    profile_withheld = std::move(observed->withheld);
    for (const auto& w : profile_withheld) err << "hardnut: profile: left out " << w << "\n";
  }

  HardenPlan plan =
      plan_hardening(*target, builtin_knowledge(), o.level, o.target_exposure, requested, vetoed);
  if (!plan.base.ok) {
    for (const auto& m : plan.base.messages) err << m << "\n";
    return 1;
  }
  if (o.steps) out << render_steps(plan, target->unit_id(), o.level, output_style(env));
  if (plan.chosen.empty()) {
    out << "# " << target->unit_id() << ": no change at level " << risk_name(o.level)
        << " lowers the exposure (" << plain_label(plan.base.assessment.exposure)
        << ") without a known conflict; nothing to write.\n";
    if (o.level != Risk::kAggressive) {
      HardenPlan bolder = plan_hardening(*target, builtin_knowledge(), Risk::kAggressive,
                                         o.target_exposure, requested, vetoed);
      if (!bolder.chosen.empty())
        out << "# --level=aggressive would lower it to " << plain_label(bolder.walk_exposure)
            << " with " << bolder.chosen.size() << " changes (`hardnut suggest "
            << target->unit_id() << "` says what each risks).\n";
    }
    return 0;
  }
  // The drop-in for some of the changes, re-scored with the file in place:
  // the numbers in its header are comments, so one re-render with the
  // verified value is exact.
  auto render_subset = [&](const std::vector<const HardeningEntry*>& chosen,
                           const std::vector<std::string>& left_out, uint64_t* predicted) {
    std::vector<std::string> withheld = profile_withheld;
    withheld.insert(withheld.end(), left_out.begin(), left_out.end());
    HardenPlan subset = plan;
    subset.chosen = chosen;
    ScoreResult walk = target->score(lines_of(chosen));
    uint64_t guess = walk.ok ? walk.assessment.exposure : plan.walk_exposure;
    std::string content = render_dropin(subset, *target, o.command_line, guess, withheld);
    ScoreResult verified = target->score_with_dropin(kDropinFileName, content);
    if (verified.ok && verified.assessment.exposure != guess)
      content =
          render_dropin(subset, *target, o.command_line, verified.assessment.exposure, withheld);
    if (predicted) *predicted = verified.ok ? verified.assessment.exposure : guess;
    return std::pair{content, verified};
  };
  auto [content, verified] = render_subset(plan.chosen, {}, nullptr);
  if (!verified.ok) {
    err << "hardnut: the unit does not load with the generated drop-in:\n";
    for (const auto& m : verified.messages) err << "  " << m << "\n";
    return 1;
  }
  uint64_t predicted = verified.assessment.exposure;
  if (predicted != plan.walk_exposure)
    // Another drop-in sorting after 50-hardnut.conf overrides some lines.
    err << "hardnut: with the drop-in in its place the exposure is " << format_tenths(predicted)
        << ", not " << format_tenths(plan.walk_exposure)
        << ": a later drop-in overrides some of its lines\n";
  out << content;
  out.flush();
  if (o.target_exposure && predicted > *o.target_exposure) {
    err << "hardnut: " << target->unit_id() << ": the target " << format_tenths(*o.target_exposure)
        << " is not reached at level " << risk_name(o.level)
        << " (best: " << format_tenths(predicted) << "); nothing written"
        << (o.level != Risk::kAggressive ? "; a higher --level may reach it" : "") << "\n";
    err << explain_unreached(plan, suggest(*target, builtin_knowledge(), plan_lines(plan)), o.level,
                             *o.target_exposure);
    return 1;
  }
  err << "hardnut: " << target->unit_id() << ": exposure "
      << plain_label(plan.base.assessment.exposure) << " -> " << plain_label(predicted) << " with "
      << plan.chosen.size() << " changes (re-scored with the drop-in in place)\n";
  if (!o.write && !o.apply) return 0;

  std::string path = target->dropin_host_path();
  if (!o.apply) {
    DropinInstall install;
    if (!install_dropin(path, content, o.force, install, error)) {
      err << "hardnut: " << error << "\n";
      return 1;
    }
    err << "hardnut: " << (install.unchanged ? "unchanged: " : "wrote ") << path;
    if (!install.backup_path.empty())
      err << " (previous file kept as " << install.backup_path << ")";
    err << "\nhardnut: to use it: systemctl daemon-reload && systemctl restart "
        << target->unit_id() << "\n";
    return 0;
  }
  auto render_kept = [&](const std::vector<size_t>& kept, const std::vector<Culprit>& culprits) {
    std::vector<const HardeningEntry*> chosen;
    for (size_t i : kept) chosen.push_back(plan.chosen[i]);
    std::vector<std::string> withheld;
    for (const auto& c : culprits) {
      std::string lines;
      for (const auto& l : plan.chosen[c.change]->lines) lines += (lines.empty() ? "" : " ") + l;
      std::string evidence = c.evidence.substr(0, c.evidence.find('\n'));
      withheld.push_back(lines + " (broke the service: " + evidence + ")");
    }
    return render_subset(chosen, withheld, nullptr).first;
  };
  LiveApplyResult r =
      apply_live(path, plan.chosen.size(), render_kept, o.force, live_options, err, error);
  if (!error.empty()) {
    err << "hardnut: " << error << "\n";
    return 1;
  }
  report_apply(r, plan, target->unit_id(), err);
  if (r.ok && r.reduced) {
    std::vector<const HardeningEntry*> chosen;
    for (size_t i : r.kept) chosen.push_back(plan.chosen[i]);
    uint64_t after = 0;
    render_subset(chosen, {}, &after);
    err << "hardnut: " << target->unit_id() << ": kept " << r.kept.size() << " of "
        << plan.chosen.size() << " changes; exposure " << plain_label(plan.base.assessment.exposure)
        << " -> " << plain_label(after) << "\n";
  }
  if (r.ok) return r.reduced ? 3 : 0;
  return r.interrupted ? 130 : 1;
}

}  // namespace hardnut
