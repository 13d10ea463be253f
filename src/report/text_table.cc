#include "report/text_table.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace hardnut {

namespace {

bool is_wide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
         (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
         (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
         (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
         (cp >= 0x20000 && cp <= 0x3fffd);
}

// systemd's format-table shrinking of a table wider than the terminal:
// every column first gets its minimum (one column), the rest of the space
// is shared by weight (all columns weigh the same here), and a column that
// would get more than it asks for gets exactly that and the sharing starts
// over.
std::vector<size_t> fit_widths(const std::vector<size_t>& requested, size_t max_width) {
  size_t n = requested.size();
  size_t table_requested = n - 1, table_minimum = n - 1;
  for (size_t r : requested) {
    table_requested += r;
    table_minimum += 1;
  }
  if (max_width == 0 || max_width >= table_requested) return requested;
  size_t effective = std::max(max_width, table_minimum);
  constexpr size_t kUnset = SIZE_MAX;
  std::vector<size_t> width(n, kUnset);
  size_t extra = effective - table_minimum;
  size_t weight_sum = n;  // one unit of weight per column
  bool finalize = false;
  while (true) {
    bool restart = false;
    for (size_t j = 0; j < n; ++j) {
      if (width[j] != kUnset) continue;
      size_t w = 1 + (weight_sum == 0 ? extra / (n - j) : extra / weight_sum);
      if (w >= requested[j]) {
        w = requested[j];
        restart = true;
      } else if (!finalize) {
        continue;
      }
      width[j] = w;
      extra -= w - 1;
      --weight_sum;
      if (restart && !finalize) break;
    }
    if (finalize) break;
    if (!restart) finalize = true;
  }
  return width;
}

// systemd's ellipsize() keeping the start: as many leading characters as
// fit in `width` - 1 columns, then "…" (or "..." outside UTF-8 locales).
std::string ellipsize(std::string_view s, size_t width, bool utf8) {
  std::string out;
  if (!utf8) {
    if (width < 3) return std::string(s.substr(0, width));
    out = s.substr(0, width - 3);
    return out + "...";
  }
  if (width == 0) return out;
  size_t used = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xf0)
      len = 4;
    else if (c >= 0xe0)
      len = 3;
    else if (c >= 0xc0)
      len = 2;
    std::string_view ch = s.substr(i, len);
    size_t w = display_width(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
    i += len;
  }
  return out + "\xe2\x80\xa6";
}

constexpr const char* kReset = "\x1b[0m";

}  // namespace

size_t display_width(std::string_view s) {
  size_t width = 0;
  size_t i = 0;
  // Tables are mostly ASCII: eight bytes at a time while no byte has its
  // high bit set.
  for (; i + 8 <= s.size(); i += 8, width += 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + i, 8);
    if (v & 0x8080808080808080ULL) break;
  }
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    // Tables are mostly ASCII: one column per byte, no decoding.
    if (c < 0x80) {
      ++width;
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len;
    if ((c & 0xe0) == 0xc0) {
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

void render_table(const std::vector<std::string_view>& headers,
                  const std::vector<TableCellView>& cells, bool colors, std::string& out,
                  const TableFit& fit) {
  size_t columns = headers.size();
  if (columns == 0) return;
  // Each cell is measured once: measuring is most of the work.
  std::vector<size_t> widths(columns, 0);
  thread_local std::vector<size_t> cell_widths;
  cell_widths.resize(cells.size());
  size_t text_bytes = 0;
  bool plain = !colors;  // no colour sequences, no links
  for (size_t c = 0; c < columns; ++c) {
    widths[c] = display_width(headers[c]);
    text_bytes += headers[c].size();
  }
  for (size_t i = 0, c = 0; i < cells.size(); ++i, c = c + 1 == columns ? 0 : c + 1) {
    cell_widths[i] = display_width(cells[i].text);
    text_bytes += cells[i].text.size();
    plain = plain && cells[i].url.empty();
    widths[c] = std::max(widths[c], cell_widths[i]);
  }
  std::vector<size_t> requested = widths;
  widths = fit_widths(widths, fit.max_width);
  size_t row_width = columns;
  for (size_t w : widths) row_width += w;
  size_t rows = cells.size() / columns;
  if (plain && widths == requested) {
    // The common case: no colours, links or shortened cells. Every byte is
    // written straight into room made once: at most the text, one
    // separator and the padding of each cell.
    size_t start = out.size();
    out.resize(start + text_bytes + (rows + 1) * (row_width + 1));
    char* p = out.data() + start;
    auto put_row = [&](auto text_of, auto right_of, const size_t* measured) {
      for (size_t c = 0; c < columns; ++c) {
        std::string_view text = text_of(c);
        bool right = right_of(c);
        bool last = c + 1 == columns;
        size_t pad = widths[c] - measured[c];
        if (c > 0) *p++ = ' ';
        if (right && !(last && text.empty())) {
          std::memset(p, ' ', pad);
          p += pad;
        }
        if (!text.empty()) std::memcpy(p, text.data(), text.size());
        p += text.size();
        if (!right && !last) {
          std::memset(p, ' ', pad);
          p += pad;
        }
      }
      *p++ = '\n';
    };
    std::vector<size_t> header_widths(columns);
    for (size_t c = 0; c < columns; ++c) header_widths[c] = display_width(headers[c]);
    put_row([&](size_t c) { return headers[c]; }, [](size_t) { return false; },
            header_widths.data());
    for (size_t i = 0; i + columns <= cells.size(); i += columns)
      put_row([&](size_t c) { return cells[i + c].text; },
              [&](size_t c) { return cells[i + c].align_right; }, cell_widths.data() + i);
    out.resize(static_cast<size_t>(p - out.data()));
    return;
  }
  // One allocation for the whole table: rows are at most this wide, plus
  // colour sequences and multi-byte characters (which merely regrow it).
  out.reserve(out.size() + row_width * (rows + 1));

  std::string shortened;
  auto emit_cell = [&](size_t c, TableCellView cell, size_t width, bool header) {
    if (width > widths[c]) {
      shortened = ellipsize(cell.text, widths[c], fit.utf8);
      cell.text = shortened;
      width = display_width(shortened);
    }
    size_t pad = widths[c] - width;
    bool last = c + 1 == columns;
    // As systemd's format-table: the header is underlined cell by cell,
    // separator included; a coloured cell is padded inside its colour, the
    // last column too; otherwise trailing spaces are dropped.
    bool colored = colors && (header || !cell.color.empty());
    if (colored && header) out += "\x1b[0m\x1b[0;4m";
    if (c > 0) out += ' ';
    if (colored && !header) out += cell.color;
    bool pad_last = colored && !header;
    if (cell.align_right && (pad_last || !(last && cell.text.empty()))) out.append(pad, ' ');
    if (!cell.url.empty()) {
      out += "\x1b]8;;";
      out += cell.url;
      out += '\a';
    }
    out += cell.text;
    if (!cell.url.empty()) out += "\x1b]8;;\a";
    if (!cell.align_right && (!last || pad_last)) out.append(pad, ' ');
    if (colored) out += kReset;
    if (last) out += '\n';
  };
  for (size_t c = 0; c < columns; ++c)
    emit_cell(c, TableCellView{headers[c]}, display_width(headers[c]), true);
  for (size_t i = 0; i + columns <= cells.size(); i += columns)
    for (size_t c = 0; c < columns; ++c) emit_cell(c, cells[i + c], cell_widths[i + c], false);
}

std::string render_table(const TextTable& table) {
  std::vector<std::string_view> headers(table.headers.begin(), table.headers.end());
  std::vector<TableCellView> cells;
  cells.reserve(table.rows.size() * headers.size());
  for (const auto& row : table.rows)
    for (size_t c = 0; c < headers.size(); ++c)
      cells.push_back(c < row.size() ? TableCellView{row[c].text, row[c].align_right, row[c].color}
                                     : TableCellView{});
  std::string out;
  render_table(headers, cells, table.colors, out, table.fit);
  return out;
}

}  // namespace hardnut
