#include "report/sarif_output.h"

#include <cmath>
#include <cstdio>

#include "assess/checks.h"
#include "base/version.h"
#include "report/suppression.h"

namespace hardnut {

namespace {

using nlohmann::ordered_json;

constexpr const char* kManualUrl =
    "https://www.freedesktop.org/software/systemd/man/systemd.exec.html#";

// A stable identity for a finding: the unit, the check and which of the
// scan's units of that name it is (0 unless several folders hold one), not
// the line or the path, which move with edits and checkouts.
std::string fingerprint(const std::string& unit, std::string_view check, unsigned occurrence) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(unit);
  mix("/");
  mix(check);
  if (occurrence > 0) mix("/" + std::to_string(occurrence));
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// RFC 3986 percent-encoding of a path for a URI.
std::string uri_path(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    if (isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~' || c == '@' ||
        c == '+' || c == ':') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

double round1(double v) { return std::round(v * 10.0) / 10.0; }

std::string one_decimal(double v) {
  char buf[16];
  snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// GitHub code scanning's bands of security-severity.
const char* level_for(double severity) {
  return severity >= 7.0 ? "error" : severity >= 4.0 ? "warning" : "note";
}

// The artifact location of a file: relative to %SRCROOT% (the working
// directory) when below it, an absolute file: URI otherwise.
ordered_json artifact_location(const std::string& file, const std::string& cwd) {
  std::string prefix = cwd.empty() ? "" : cwd + "/";
  if (!prefix.empty() && file.rfind(prefix, 0) == 0)
    return {{"uri", uri_path(file.substr(prefix.size()))}, {"uriBaseId", "%SRCROOT%"}};
  return {{"uri", "file://" + uri_path(file)}};
}

ordered_json rule_for(const Check& c) {
  std::string name(c.name);
  std::string good = c.description_good.empty() ? name : std::string(c.description_good);
  std::string bad =
      c.description_bad.empty() ? "Exposure through " + name : std::string(c.description_bad);
  ordered_json rule;
  rule["id"] = c.json_field;
  rule["name"] = c.json_field;
  rule["shortDescription"] = {{"text", name}};
  rule["fullDescription"] = {{"text", bad}};
  rule["helpUri"] = std::string(kManualUrl) + std::string(c.url_anchor) + "=";
  std::string help = "Add " + name +
                     " (or a stricter setting) to the unit's [Service] section, for example in a "
                     "drop-in: systemctl edit UNIT. Goal: " +
                     good + ".";
  rule["help"] = {{"text", help},
                  {"markdown", "Add `" + name +
                                   "` (or a stricter setting) to the unit's `[Service]` section, "
                                   "e.g. with `systemctl edit UNIT`. Goal: " +
                                   good + "."}};
  // Rules carry the severity of a failure in a fully exposed unit; code
  // scanning reads it from here, results refine it by the unit's exposure.
  double severity = round1(std::min(10.0, c.weight / 250.0));
  rule["defaultConfiguration"] = {{"level", level_for(severity)}};
  rule["properties"] = {{"tags", {"security", "systemd", "hardening"}},
                        {"precision", "very-high"},
                        {"security-severity", one_decimal(severity)}};
  return rule;
}

}  // namespace

double SarifWriter::security_severity(const CheckResult& r, uint64_t unit_exposure) {
  if (r.badness == kNotApplicable || r.range == 0) return 0;
  double share = static_cast<double>(r.badness) / r.range * r.weight / 250.0;
  return round1(std::min(10.0, share) * static_cast<double>(unit_exposure) / 100.0);
}

SarifWriter::SarifWriter(std::ostream& out, const ScanSinkOptions& options)
    : out_(out), options_(options) {}

void SarifWriter::add(const ScanResult& result) {
  if (!result.ok) return;
  const Assessment& a = *result.assessment;
  unsigned occurrence = occurrences_[a.unit_id]++;
  Suppressions suppressions = parse_suppressions(result.comments, checks_v252());
  for (const auto& p : suppressions.problems) problems_.push_back(p);
  for (const auto& r : a.rows) {
    if (r.badness == kNotApplicable || r.badness == 0) continue;
    DecidingLine where = deciding_line(r, result);
    if (where.line == 0) {
      // No directive decided it: point at the unit's own section.
      for (const char* section : {"[Service]", "[Socket]", "[Mount]", "[Swap]"}) {
        auto it = result.origins.find(section);
        if (it == result.origins.end()) continue;
        size_t colon = it->second.rfind(':');
        where = {"", it->second.substr(0, colon),
                 static_cast<unsigned>(std::stoul(it->second.substr(colon + 1)))};
        break;
      }
    }
    if (where.file.empty()) where = {"", result.source, 1};
    ordered_json artifact = artifact_location(where.file, options_.cwd);
    double severity = security_severity(r, a.exposure);
    std::string level = level_for(severity);
    std::string text = a.unit_id + ": " + r.description.value_or(std::string(r.check->name)) +
                       " (" + std::string(r.check->name) + ")";
    ordered_json res;
    res["ruleId"] = r.check->json_field;
    res["ruleIndex"] = r.index;
    res["level"] = level;
    res["message"] = {{"text", text}};
    res["locations"] = {
        {{"physicalLocation",
          {{"artifactLocation", artifact}, {"region", {{"startLine", where.line}}}}},
         {"logicalLocations", {{{"name", a.unit_id}, {"kind", "module"}}}}}};
    res["partialFingerprints"] = {
        {"hardnutFinding/v1", fingerprint(a.unit_id, r.check->json_field, occurrence)}};
    // An inline suppression keeps the result, marked as SARIF intends, so
    // that code scanning shows it as dismissed with the reason.
    if (const Suppression* s = suppressions.find(r.check->json_field)) {
      res["suppressions"] = {{{"kind", "inSource"},
                              {"status", "accepted"},
                              {"justification", s->reason},
                              {"location",
                               {{"physicalLocation",
                                 {{"artifactLocation", artifact_location(s->file, options_.cwd)},
                                  {"region", {{"startLine", s->line}}}}}}}}};
    }
    res["properties"] = {{"security-severity", one_decimal(severity)},
                         {"unit", a.unit_id},
                         {"unitFile", result.source},
                         {"unitExposure", static_cast<double>(a.exposure) / 10.0}};
    results_.push_back(std::move(res));
  }
}

void SarifWriter::finish(bool interrupted) {
  ordered_json rules = ordered_json::array();
  for (const Check& c : checks_v252()) rules.push_back(rule_for(c));
  ordered_json run;
  run["tool"] = {
      {"driver",
       {{"name", "hardnut"},
        {"version", HARDNUT_VERSION},
        {"semanticVersion", HARDNUT_VERSION},
        {"informationUri", "https://www.freedesktop.org/software/systemd/man/systemd-analyze.html"},
        {"rules", std::move(rules)}}}};
  ordered_json invocation = {{"executionSuccessful", !interrupted}};
  if (!problems_.empty()) {
    ordered_json notes = ordered_json::array();
    for (const auto& p : problems_)
      notes.push_back({{"level", "warning"}, {"message", {{"text", p}}}});
    invocation["toolExecutionNotifications"] = std::move(notes);
  }
  run["invocations"] = {std::move(invocation)};
  if (!options_.cwd.empty())
    run["originalUriBaseIds"] = {
        {"%SRCROOT%", {{"uri", "file://" + uri_path(options_.cwd) + "/"}}}};
  run["results"] = std::move(results_);
  ordered_json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = {std::move(run)};
  out_ << log.dump(2) << "\n";
  out_.flush();
}

}  // namespace hardnut
