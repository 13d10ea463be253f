// Plain-text tables in the layout of systemd's format-table: columns as
// wide as their widest cell, one space between cells, no trailing spaces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

struct TableCell {
  std::string text;
  bool align_right = false;
  std::string color;  // ANSI sequence, empty for none
};

// How a table fits a terminal: systemd shrinks tables wider than the
// terminal (only when writing to one, without a pager) and ellipsizes the
// cells that no longer fit.
struct TableFit {
  size_t max_width = 0;  // 0: as wide as the cells need
  bool utf8 = true;      // "…" (else "...")
};

struct TextTable {
  std::vector<std::string> headers;
  std::vector<std::vector<TableCell>> rows;
  bool colors = false;  // underline the header, colour cells
  TableFit fit;
};

std::string render_table(const TextTable& table);

// A cell that borrows its strings: for tables rendered once per unit in a
// scan, where copying every string into a TableCell costs more than the
// layout itself.
struct TableCellView {
  std::string_view text;
  bool align_right = false;
  std::string_view color;  // ANSI sequence, empty for none
  std::string_view url;    // a terminal hyperlink on the text, empty for none
};

// The same layout; `cells` holds the rows one after another, headers.size()
// cells each. Appends the table to `out`.
void render_table(const std::vector<std::string_view>& headers,
                  const std::vector<TableCellView>& cells, bool colors, std::string& out,
                  const TableFit& fit = {});

// Terminal columns taken by a UTF-8 string (wide characters count 2).
size_t display_width(std::string_view s);

}  // namespace hardnut
