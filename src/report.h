// Output of an assessment in systemd-analyze's formats: the per-check
// table with its summary line, the overview table, and their JSON forms.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "assessment.h"

namespace hardnut {

// How the terminal and locale shape the output.
struct OutputStyle {
  bool utf8 = true;   // ✓ ✗ → (else + - ->)
  bool emoji = true;  // smileys (else ASCII faces)
  bool colors = false;
  bool debug = false;  // SYSTEMD_ANALYZE_DEBUG: WEIGHT, BADNESS, RANGE columns
  size_t width = 0;    // terminal columns the tables must fit in; 0: no limit
};

enum class JsonMode { kOff, kShort, kPretty };

std::string render_details(const Assessment& a, const OutputStyle& style);
std::string render_details_json(const Assessment& a, JsonMode mode, bool debug);

struct OverviewRow {
  std::string unit;
  uint64_t exposure;
};
std::string render_overview(const std::vector<OverviewRow>& rows, const OutputStyle& style);
std::string render_overview_json(const std::vector<OverviewRow>& rows, JsonMode mode,
                                 const OutputStyle& style);

// The smiley for an exposure in the given style.
std::string happy_glyph(uint64_t exposure, const OutputStyle& style);

}  // namespace hardnut
