// Prometheus text exposition (--format=prometheus), for node_exporter's
// textfile collector: per unit its exposure and failing checks, per
// predicate a count, and metadata about the scan.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "report/scan_output.h"

namespace hardnut {

class PrometheusWriter : public ScanSink {
 public:
  PrometheusWriter(std::ostream& out, const ScanSinkOptions& options);
  void add(const ScanResult& result) override;
  void finish(bool interrupted) override;

 private:
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_;
  std::string exposures_, failing_, suppressed_;
  std::map<std::string, size_t> predicates_;
  size_t units_ = 0, failed_ = 0;
};

// A label value with Prometheus' escapes (\\, \", \n).
std::string prometheus_label(const std::string& value);

}  // namespace hardnut
