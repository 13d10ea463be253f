// Where the results of a scan go in the machine-readable formats: hardnut's
// JSON document, SARIF for code scanning, Prometheus text for monitoring.
// Each takes the results in order and completes its document at the end.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "assess/scan.h"

namespace hardnut {

class ScanSink {
 public:
  virtual ~ScanSink() = default;
  virtual void add(const ScanResult& result) = 0;
  // Completes the document; `interrupted` marks a scan stopped early.
  virtual void finish(bool interrupted) = 0;
};

struct ScanSinkOptions {
  unsigned threshold = 100;
  std::string cwd;  // SARIF locations below it are relative (%SRCROOT%)
};

// "json", "sarif" or "prometheus"; nullptr for anything else.
std::unique_ptr<ScanSink> make_scan_sink(const std::string& format, std::ostream& out,
                                         const ScanSinkOptions& options);

// The file and line of the directive that decided a check ("file", line);
// line 0 when no line of the unit's files did.
struct DecidingLine {
  std::string directive;
  std::string file;
  unsigned line = 0;
};
DecidingLine deciding_line(const CheckResult& check, const ScanResult& unit);

}  // namespace hardnut
