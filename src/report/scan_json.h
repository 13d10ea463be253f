// hardnut's own machine-readable scan document (--format=json): one JSON
// document for a whole scan, written unit by unit as results arrive.
// The layout is described in docs/scan-format.md and docs/scan-schema.json.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "report/scan_output.h"

namespace hardnut {

constexpr int kScanFormatVersion = 1;

class ScanJsonWriter : public ScanSink {
 public:
  ScanJsonWriter(std::ostream& out, unsigned threshold);
  void add(const ScanResult& result) override;
  void finish(bool interrupted) override;

 private:
  std::ostream& out_;
  bool first_unit_ = true;
  size_t units_ = 0, failed_ = 0, above_threshold_ = 0;
  unsigned threshold_;
  std::vector<std::pair<std::string, std::vector<std::string>>> errors_;
};

}  // namespace hardnut
