// Output of an assessment in systemd-analyze's formats: the per-check
// table with its summary line, the overview table, and their JSON forms.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "assess/assessment.h"

namespace hardnut {

// How the terminal and locale shape the output.
struct OutputStyle {
  bool utf8 = true;   // ✓ ✗ → (else + - ->)
  bool emoji = true;  // smileys (else ASCII faces)
  bool colors = false;
  bool debug = false;     // SYSTEMD_ANALYZE_DEBUG: WEIGHT, BADNESS, RANGE columns
  size_t width = 0;       // terminal columns the tables must fit in; 0: no limit
  bool colors16 = false;  // SYSTEMD_COLORS=16: no 256-colour grey
  bool links = false;     // hyperlinks to manuals and unit files (with colours)
  std::string host;       // for file:// links
};

enum class JsonMode { kOff, kShort, kPretty };

std::string render_details(const Assessment& a, const OutputStyle& style);
std::string render_details_json(const Assessment& a, JsonMode mode, bool debug);

// The manual page a check links to on a terminal (systemd 252's); empty
// if it has none.
std::string_view check_url(std::string_view check_name);

struct OverviewRow {
  std::string unit;
  uint64_t exposure;
};
std::string render_overview(const std::vector<OverviewRow>& rows, const OutputStyle& style);
// render_overview() written to `out`; without colours, as a scan of
// thousands of units writes it, row by row instead of as one string.
void write_overview(const std::vector<OverviewRow>& rows, const OutputStyle& style,
                    std::ostream& out);
std::string render_overview_json(const std::vector<OverviewRow>& rows, JsonMode mode,
                                 const OutputStyle& style);

// The smiley for an exposure in the given style.
std::string happy_glyph(uint64_t exposure, const OutputStyle& style);

}  // namespace hardnut
