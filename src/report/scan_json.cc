#include "report/scan_json.h"

#include <nlohmann/json.hpp>

#include "assess/checks.h"
#include "base/version.h"
#include "report/suppression.h"

namespace hardnut {

namespace {

using nlohmann::ordered_json;

ordered_json set_by(const CheckResult& r, const ScanResult& result) {
  DecidingLine d = deciding_line(r, result);
  if (d.line == 0) return "default";
  return {{"directive", d.directive}, {"file", d.file}, {"line", d.line}};
}

double as_number(uint64_t tenths) { return static_cast<double>(tenths) / 10.0; }

}  // namespace

ScanJsonWriter::ScanJsonWriter(std::ostream& out, unsigned threshold)
    : out_(out), threshold_(threshold) {
  out_ << "{\"format\":\"hardnut-scan\",\"format_version\":" << kScanFormatVersion
       << ",\"hardnut_version\":\"" << HARDNUT_VERSION
       << "\",\"systemd_version\":\"252\",\"units\":[";
}

void ScanJsonWriter::add(const ScanResult& result) {
  ++units_;
  if (!result.ok) {
    ++failed_;
    errors_.emplace_back(result.name, result.messages);
    return;
  }
  const Assessment& a = *result.assessment;
  ordered_json unit;
  unit["unit"] = a.unit_id;
  unit["source"] = result.source;
  unit["exposure"] = as_number(a.exposure);
  unit["predicate"] = predicate_for(a.exposure).name;
  Suppressions suppressions = parse_suppressions(result.comments, checks_v252());
  std::vector<const CheckResult*> by_definition(a.rows.size());
  for (const auto& r : a.rows) by_definition[r.index] = &r;
  ordered_json checks = ordered_json::array();
  for (const CheckResult* r : by_definition) {
    bool na = r->badness == kNotApplicable;
    ordered_json c;
    c["id"] = r->check->json_field;
    c["name"] = r->check->name;
    c["result"] = na ? "n/a" : (r->badness == 0 ? "pass" : "fail");
    c["badness"] = na ? ordered_json(nullptr) : ordered_json(r->badness);
    c["weight"] = r->weight;
    c["range"] = r->range;
    c["description"] =
        r->description ? ordered_json(std::string(*r->description)) : ordered_json(nullptr);
    c["exposure"] = r->exposure ? ordered_json(as_number(*r->exposure)) : ordered_json(nullptr);
    c["set_by"] = set_by(*r, result);
    if (const Suppression* s =
            r->badness > 0 && !na ? suppressions.find(r->check->json_field) : nullptr)
      c["suppressed"] = {{"reason", s->reason}, {"file", s->file}, {"line", s->line}};
    checks.push_back(std::move(c));
  }
  unit["checks"] = std::move(checks);
  if (!result.messages.empty()) unit["warnings"] = result.messages;
  out_ << (first_unit_ ? "" : ",") << unit.dump();
  first_unit_ = false;
  if (a.exposure > threshold_) ++above_threshold_;
}

void ScanJsonWriter::finish(bool interrupted) {
  ordered_json errors = ordered_json::array();
  for (const auto& [unit, messages] : errors_)
    errors.push_back({{"unit", unit}, {"messages", messages}});
  ordered_json summary = {{"units", units_},
                          {"assessed", units_ - failed_},
                          {"failed", failed_},
                          {"threshold", as_number(threshold_)},
                          {"above_threshold", above_threshold_},
                          {"complete", !interrupted}};
  out_ << "],\"errors\":" << errors.dump() << ",\"summary\":" << summary.dump() << "}\n";
  out_.flush();
}

}  // namespace hardnut
