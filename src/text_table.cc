#include "text_table.h"

#include <algorithm>

namespace hardnut {

namespace {

bool is_wide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
         (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
         (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
         (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
         (cp >= 0x20000 && cp <= 0x3fffd);
}

constexpr const char* kUnderline = "\x1b[4m";
constexpr const char* kReset = "\x1b[0m";

}  // namespace

size_t display_width(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xe0) == 0xc0) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c & 0xf0) == 0xe0) {
      cp = c & 0x0f;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    width += is_wide(cp) ? 2 : 1;
    i += len;
  }
  return width;
}

std::string render_table(const TextTable& table) {
  size_t columns = table.headers.size();
  std::vector<size_t> widths(columns, 0);
  for (size_t c = 0; c < columns; ++c) widths[c] = display_width(table.headers[c]);
  for (const auto& row : table.rows)
    for (size_t c = 0; c < columns && c < row.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c].text));

  std::string out;
  auto emit_row = [&](const std::vector<TableCell>& cells, bool header) {
    std::string line;
    for (size_t c = 0; c < columns; ++c) {
      const TableCell& cell = cells[c];
      size_t pad = widths[c] - display_width(cell.text);
      bool last = c + 1 == columns;
      std::string color = header && table.colors ? kUnderline : (table.colors ? cell.color : "");
      if (c > 0) line += ' ';
      // An empty last cell would be all padding, and trailing spaces are dropped.
      if (cell.align_right && !(last && cell.text.empty())) line.append(pad, ' ');
      if (!color.empty()) line += color;
      line += cell.text;
      // The last column gets no padding after its text.
      if (!cell.align_right && !last) line.append(pad, ' ');
      if (!color.empty()) line += kReset;
    }
    out += line;
    out += '\n';
  };
  std::vector<TableCell> header;
  for (const auto& h : table.headers) header.push_back({h});
  emit_row(header, true);
  for (const auto& row : table.rows) emit_row(row, false);
  return out;
}

}  // namespace hardnut
