#include "harden/diff_command.h"

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "report/output_style.h"
#include "report/text_table.h"

namespace hardnut {

namespace {

std::string mark(const CheckResult& r, const OutputStyle& style) {
  if (r.badness == kNotApplicable) return " ";
  if (r.badness == 0) return style.utf8 ? "\xe2\x9c\x93" : "+";
  return style.utf8 ? "\xe2\x9c\x97" : "-";
}

std::string row_exposure(const CheckResult& r) {
  return r.exposure ? format_tenths(*r.exposure) : "-";
}

nlohmann::json side_json(const CheckResult& r) {
  nlohmann::json j;
  j["set"] = r.badness == kNotApplicable ? nlohmann::json() : nlohmann::json(r.badness == 0);
  j["exposure"] = r.exposure ? nlohmann::json(*r.exposure / 10.0) : nlohmann::json();
  j["description"] = r.description ? nlohmann::json(std::string(*r.description)) : nlohmann::json();
  return j;
}

}  // namespace

std::vector<CheckChange> changed_checks(const Assessment& before, const Assessment& after) {
  std::map<std::string_view, const CheckResult*> by_name;
  for (const auto& r : before.rows) by_name[r.check->name] = &r;
  std::vector<CheckChange> out;
  for (const auto& r : after.rows) {
    auto it = by_name.find(r.check->name);
    if (it == by_name.end()) continue;
    if (it->second->badness != r.badness || it->second->exposure != r.exposure ||
        it->second->description != r.description)
      out.push_back({it->second, &r});
  }
  return out;
}

int run_diff(const DiffOptions& o, const Environment& env, std::ostream& out, std::ostream& err) {
  if (o.format != "text" && o.format != "json") {
    err << "hardnut: unknown --format=" << o.format << " (text or json)\n";
    return 1;
  }
  TargetOptions ta{o.a, o.root, o.scope, o.policy_path, o.set_lines};
  ta.systemd_version = o.systemd_version;
  std::string error;
  auto a = HardeningTarget::open(ta, env, error);
  if (!a) {
    err << error << "\n";
    return 1;
  }
  ScoreResult before = a->score(), after;
  std::string b_label;
  bool dropin = o.b.size() > 5 && o.b.compare(o.b.size() - 5, 5, ".conf") == 0;
  if (dropin) {
    // B is a drop-in: the same unit with that file in its drop-in directory.
    std::string content;
    std::string path = o.b[0] == '/' ? o.b : env.cwd + "/" + o.b;
    RootFs host("/");
    if (int e = host.read_file(path, content, 64 * 1024 * 1024)) {
      err << "hardnut: cannot read " << o.b << ": " << std::strerror(e) << "\n";
      return 1;
    }
    after = a->score_with_dropin(basename_of(path), content);
    b_label = a->unit_id() + " + " + o.b;
  } else {
    TargetOptions tb{o.b, o.root, o.scope, o.policy_path, o.set_lines};
    tb.systemd_version = o.systemd_version;
    auto b = HardeningTarget::open(tb, env, error);
    if (!b) {
      err << error << "\n";
      return 1;
    }
    after = b->score();
    b_label = o.b;
  }
  for (const auto* r : {&before, &after})
    if (!r->ok) {
      for (const auto& m : r->messages) err << m << "\n";
      return 1;
    }
  auto changes = changed_checks(before.assessment, after.assessment);
  const Assessment& x = before.assessment;
  const Assessment& y = after.assessment;
  if (o.format == "json") {
    nlohmann::json doc;
    doc["a"] = {{"unit", x.unit_id}, {"source", o.a}, {"exposure", x.exposure / 10.0}};
    doc["b"] = {{"unit", y.unit_id}, {"source", o.b}, {"exposure", y.exposure / 10.0}};
    doc["changed"] = nlohmann::json::array();
    for (const auto& c : changes)
      doc["changed"].push_back({{"name", std::string(c.after->check->name)},
                                {"json_field", std::string(c.after->check->json_field)},
                                {"before", side_json(*c.before)},
                                {"after", side_json(*c.after)}});
    out << doc.dump(2) << "\n";
    return 0;
  }
  OutputStyle style = output_style(env);
  out << "A: " << o.a << " (" << x.unit_id << ") " << exposure_label(x.exposure, style) << "\n";
  out << "B: " << b_label << " (" << y.unit_id << ") " << exposure_label(y.exposure, style)
      << "\n\n";
  if (changes.empty()) {
    out << "No check changed.\n";
  } else {
    TextTable table;
    table.headers = {"A", "B", "NAME", "A EXPOSURE", "B EXPOSURE", "DESCRIPTION (B)"};
    for (const auto& c : changes)
      table.rows.push_back({{mark(*c.before, style)},
                            {mark(*c.after, style)},
                            {std::string(c.after->check->name)},
                            {row_exposure(*c.before), true},
                            {row_exposure(*c.after), true},
                            {c.after->description.value_or("")}});
    out << render_table(table);
  }
  long delta = static_cast<long>(y.exposure) - static_cast<long>(x.exposure);
  out << "\n"
      << (style.utf8 ? "\xe2\x86\x92 " : "-> ") << "Exposure: " << format_tenths(x.exposure) << " "
      << predicate_for(x.exposure).name << " -> " << format_tenths(y.exposure) << " "
      << predicate_for(y.exposure).name << " ("
      << (delta > 0   ? "+"
          : delta < 0 ? "-"
                      : "no change, ")
      << format_tenths(static_cast<uint64_t>(delta < 0 ? -delta : delta)) << ")\n";
  return 0;
}

}  // namespace hardnut
