#include "sarif_output.h"

#include <cmath>
#include <cstdio>

#include "checks.h"
#include "version.h"

namespace hardnut {

namespace {

using nlohmann::ordered_json;

constexpr const char* kManualUrl =
    "https://www.freedesktop.org/software/systemd/man/systemd.exec.html#";

// A stable identity for a finding: the unit and the check, not the line.
std::string fingerprint(const std::string& unit, std::string_view check) {
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
  rule["defaultConfiguration"] = {{"level", "warning"}};
  rule["properties"] = {{"tags", {"security", "systemd", "hardening"}}, {"precision", "very-high"}};
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
    ordered_json artifact;
    std::string prefix = options_.cwd.empty() ? "" : options_.cwd + "/";
    if (!prefix.empty() && where.file.rfind(prefix, 0) == 0) {
      artifact = {{"uri", uri_path(where.file.substr(prefix.size()))}, {"uriBaseId", "%SRCROOT%"}};
    } else {
      artifact = {{"uri", "file://" + uri_path(where.file)}};
    }
    double severity = security_severity(r, a.exposure);
    std::string level = severity >= 7.0 ? "error" : severity >= 4.0 ? "warning" : "note";
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
        {"hardnutFinding/v1", fingerprint(a.unit_id, r.check->json_field)}};
    char sev[16];
    snprintf(sev, sizeof sev, "%.1f", severity);
    res["properties"] = {{"security-severity", sev},
                         {"unit", a.unit_id},
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
  run["invocations"] = {{{"executionSuccessful", !interrupted}}};
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
