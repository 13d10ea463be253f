#include "prometheus_output.h"

#include <ctime>

#include "version.h"

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
  exposures_ += "hardnut_unit_exposure{unit=\"" + unit + "\"} " + format_tenths(a.exposure) + "\n";
  ++predicates_[predicate_for(a.exposure).name];
  for (const auto& r : a.rows) {
    if (r.badness == kNotApplicable) continue;
    failing_ += "hardnut_check_failing{unit=\"" + unit + "\",check=\"" +
                prometheus_label(std::string(r.check->json_field)) + "\"} " +
                (r.badness > 0 ? "1" : "0") + "\n";
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
  family(
      out_, "hardnut_check_failing", "gauge",
      "1 if the unit fails the check (badness above 0), 0 if it passes; n/a checks are left out.");
  out_ << failing_;
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
