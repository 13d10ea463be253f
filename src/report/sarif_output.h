// SARIF 2.1.0 for code scanning (--format=sarif): one run per scan, one
// rule per check, one result per failing check of each unit, located at the
// line that decided it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/scan_output.h"

namespace hardnut {

class SarifWriter : public ScanSink {
 public:
  SarifWriter(std::ostream& out, const ScanSinkOptions& options);
  void add(const ScanResult& result) override;
  void finish(bool interrupted) override;

  // 0.0..10.0: how much a failing check exposes, scaled by its weight and
  // the unit's overall exposure (the scale GitHub code scanning reads).
  static double security_severity(const CheckResult& check, uint64_t unit_exposure);

 private:
  std::ostream& out_;
  ScanSinkOptions options_;
  nlohmann::ordered_json results_ = nlohmann::ordered_json::array();
  std::map<std::string, unsigned> occurrences_;  // units of each name so far
  std::vector<std::string> problems_;            // invalid suppression comments
};

}  // namespace hardnut
