#include "report/prometheus_output.h"

#include <ctime>

#include "assess/checks.h"
#include "base/version.h"
#include "report/suppression.h"

namespace hardnut {

namespace {

constexpr const char* kPredicates[] = {"PERFECT", "SAFE",   "OK",       "MEDIUM",
                                       "EXPOSED", "UNSAFE", "DANGEROUS"};

void family(std::ostream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

PrometheusWriter::PrometheusWriter(std::ostream& out, const ScanSinkOptions&)
    : out_(out), start_(std::chrono::steady_clock::now()) {
  for (const char* p : kPredicates) predicates_[p] = 0;
}

void PrometheusWriter::add(const ScanResult& result) {
  ++units_;
  if (!result.ok) {
    ++failed_;
    return;
  }
  const Assessment& a = *result.assessment;
  std::string unit = prometheus_label(a.unit_id);
  // The unit's file is part of its identity: a scan of several folders may
  // meet two units of one name, and a series must not appear twice.
  std::string unit_labels =
      "unit=\"" + unit + "\",file=\"" + prometheus_label(result.source) + "\"";
  exposures_ += "hardnut_unit_exposure{" + unit_labels + "} " + format_tenths(a.exposure) + "\n";
  ++predicates_[predicate_for(a.exposure).name];
  Suppressions suppressions = parse_suppressions(result.comments, checks_v252());
  for (const auto& r : a.rows) {
    if (r.badness == kNotApplicable) continue;
    std::string labels =
        "{" + unit_labels + ",check=\"" + prometheus_label(std::string(r.check->json_field)) + "\"";
    // A suppressed failure is not failing: alerts on the flag stay quiet,
    // and the suppression itself is visible, with its reason.
    const Suppression* s = r.badness > 0 ? suppressions.find(r.check->json_field) : nullptr;
    failing_ += "hardnut_check_failing" + labels + "} " + (r.badness > 0 && !s ? "1" : "0") + "\n";
    if (s)
      suppressed_ += "hardnut_check_suppressed" + labels + ",reason=\"" +
                     prometheus_label(s->reason) + "\"} 1\n";
  }
}

void PrometheusWriter::finish(bool interrupted) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  family(out_, "hardnut_unit_exposure", "gauge",
         "Overall exposure of the unit, 0 (best) to 10 (worst), as systemd-analyze security scores "
         "it.");
  out_ << exposures_;
  family(out_, "hardnut_units", "gauge", "Units scored, by predicate.");
  for (const char* p : kPredicates)
    out_ << "hardnut_units{predicate=\"" << p << "\"} " << predicates_[p] << "\n";
  family(out_, "hardnut_check_failing", "gauge",
         "1 if the unit fails the check (badness above 0), 0 if it passes or the failure is "
         "suppressed; n/a checks are left out.");
  out_ << failing_;
  family(out_, "hardnut_check_suppressed", "gauge",
         "1 for a failing check that an inline suppression comment excludes, with its reason.");
  out_ << suppressed_;
  family(out_, "hardnut_scan_units", "gauge", "Units the last scan looked at.");
  out_ << "hardnut_scan_units " << units_ << "\n";
  family(out_, "hardnut_scan_failed_units", "gauge", "Units that could not be loaded.");
  out_ << "hardnut_scan_failed_units " << failed_ << "\n";
  family(out_, "hardnut_scan_duration_seconds", "gauge", "Wall time of the last scan.");
  out_ << "hardnut_scan_duration_seconds " << seconds << "\n";
  family(out_, "hardnut_scan_complete", "gauge",
         "1 if the last scan finished, 0 if it was interrupted.");
  out_ << "hardnut_scan_complete " << (interrupted ? 0 : 1) << "\n";
  family(out_, "hardnut_scan_timestamp_seconds", "gauge",
         "When the last scan finished (Unix time).");
  out_ << "hardnut_scan_timestamp_seconds " << std::time(nullptr) << "\n";
  family(out_, "hardnut_build_info", "gauge",
         "hardnut's version and the systemd version it scores like.");
  out_ << "hardnut_build_info{version=\"" << HARDNUT_VERSION << "\",systemd_version=\"252\"} 1\n";
  out_.flush();
}

}  // namespace hardnut
