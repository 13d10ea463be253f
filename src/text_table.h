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

struct TextTable {
  std::vector<std::string> headers;
  std::vector<std::vector<TableCell>> rows;
  bool colors = false;  // underline the header, colour cells
};

std::string render_table(const TextTable& table);

// Terminal columns taken by a UTF-8 string (wide characters count 2).
size_t display_width(std::string_view s);

}  // namespace hardnut
