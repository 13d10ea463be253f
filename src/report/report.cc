#include "report/report.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>

#include "base/embedded_data.h"
#include "report/text_table.h"

namespace hardnut {

namespace {

constexpr const char* kGreen = "\x1b[0;1;32m";
constexpr const char* kRed = "\x1b[0;1;31m";
// Empty cells are grey.
constexpr const char* kGrey256 = "\x1b[0;38;5;245m";
constexpr const char* kGrey16 = "\x1b[0;90m";
constexpr const char* kBold = "\x1b[0;1;39m";
constexpr const char* kReset = "\x1b[0m";

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A JSON array of flat objects, in systemd's short or pretty layout.
using JsonMember = std::pair<std::string, std::string>;  // key, encoded value
std::string render_json_array(const std::vector<std::vector<JsonMember>>& objects, JsonMode mode) {
  std::string out;
  if (mode == JsonMode::kShort) {
    out = "[";
    for (size_t i = 0; i < objects.size(); ++i) {
      if (i) out += ",";
      out += "{";
      for (size_t k = 0; k < objects[i].size(); ++k) {
        if (k) out += ",";
        out += json_string(objects[i][k].first) + ":" + objects[i][k].second;
      }
      out += "}";
    }
    return out + "]\n";
  }
  out = "[\n";
  for (size_t i = 0; i < objects.size(); ++i) {
    out += "\t{\n";
    for (size_t k = 0; k < objects[i].size(); ++k) {
      out += "\t\t" + json_string(objects[i][k].first) + " : " + objects[i][k].second;
      out += k + 1 < objects[i].size() ? ",\n" : "\n";
    }
    out += i + 1 < objects.size() ? "\t},\n" : "\t}\n";
  }
  return out + "]\n";
}

std::string optional_string(const DescriptionText& s) {
  return s ? json_string(std::string(*s)) : "null";
}

}  // namespace

std::string happy_glyph(uint64_t exposure, const OutputStyle& style) {
  const Predicate& p = predicate_for(exposure);
  return style.emoji ? p.emoji : p.ascii;
}

std::string_view check_url(std::string_view check_name) {
  static const auto* urls = [] {
    auto* m = new std::map<std::string_view, std::string_view, std::less<>>;
    std::string_view data = embedded_file("check-urls-v252.txt");
    while (!data.empty()) {
      size_t end = data.find('\n');
      std::string_view line = data.substr(0, end);
      data = end == std::string_view::npos ? std::string_view() : data.substr(end + 1);
      size_t tab = line.find('\t');
      if (line.empty() || line[0] == '#' || tab == std::string_view::npos) continue;
      (*m)[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return m;
  }();
  auto it = urls->find(check_name);
  return it == urls->end() ? std::string_view() : it->second;
}

namespace {

// The line under the table: "→ Overall exposure level for UNIT: 9.6 UNSAFE 😨".
void append_details_summary(const Assessment& a, const OutputStyle& style, std::string& out) {
  const Predicate& p = predicate_for(a.exposure);
  out += "\n";
  out += style.utf8 ? "\xe2\x86\x92 " : "-> ";
  if (style.colors) out += kBold;
  out += "Overall exposure level for ";
  if (style.links && !a.fragment_path.empty())
    out += "\x1b]8;;file://" + style.host + a.fragment_path + "\a" + a.unit_id + "\x1b]8;;\a";
  else
    out += a.unit_id;
  if (style.colors) out += kReset;
  out += ": ";
  if (style.colors) out += p.color;
  out += format_tenths(a.exposure) + " " + p.name;
  if (style.colors) out += kReset;
  out += " " + happy_glyph(a.exposure, style) + "\n";
}

// The table of render_details() without colours, links or debug columns
// (what a scan prints for every unit), written straight out: the same
// bytes render_table() makes of its cells, without building them. False
// (and nothing written) when the table must shrink to a terminal's width.
bool render_plain_details_table(const Assessment& a, const OutputStyle& style, std::string& out) {
  struct Row {
    std::string_view mark, name, description;
    size_t name_width, description_width;
    char exposure[24];
    size_t exposure_size;
  };
  thread_local std::vector<Row> rows;
  rows.resize(a.rows.size());
  constexpr std::string_view kHeaders[] = {" ", "NAME", "DESCRIPTION", "EXPOSURE"};
  size_t width[4];
  for (size_t c = 0; c < 4; ++c) width[c] = kHeaders[c].size();
  size_t text_bytes = 0;
  for (size_t i = 0; i < a.rows.size(); ++i) {
    const CheckResult& r = a.rows[i];
    Row& row = rows[i];
    row.mark = r.badness == kNotApplicable ? ""
               : r.badness == 0            ? (style.utf8 ? "\xe2\x9c\x93" : "+")
                                           : (style.utf8 ? "\xe2\x9c\x97" : "-");
    row.name = r.check->name;
    row.description = *r.description;
    row.name_width = display_width(row.name);
    row.description_width = display_width(row.description);
    row.exposure_size = 0;
    if (r.exposure) {
      char* end = std::to_chars(row.exposure, row.exposure + 20, *r.exposure / 10).ptr;
      *end++ = '.';
      *end++ = static_cast<char>('0' + *r.exposure % 10);
      row.exposure_size = static_cast<size_t>(end - row.exposure);
    }
    // Marks and exposures are ASCII or one column wide.
    width[0] = std::max(width[0], row.mark.empty() ? size_t{0} : size_t{1});
    width[1] = std::max(width[1], row.name_width);
    width[2] = std::max(width[2], row.description_width);
    width[3] = std::max(width[3], row.exposure_size);
    text_bytes += row.mark.size() + row.name.size() + row.description.size() + row.exposure_size;
  }
  size_t row_width = 3 + width[0] + width[1] + width[2] + width[3];
  if (style.width != 0 && style.width < row_width) return false;

  size_t start = out.size();
  out.resize(start + text_bytes + (rows.size() + 1) * (row_width + 16));
  char* p = out.data() + start;
  auto put = [&](std::string_view text) {
    // An empty view may have no data at all: memcpy must not see it.
    if (text.empty()) return;
    std::memcpy(p, text.data(), text.size());
    p += text.size();
  };
  auto pad = [&](size_t n) {
    std::memset(p, ' ', n);
    p += n;
  };
  // Header: left-aligned cells, the last one unpadded.
  for (size_t c = 0; c < 4; ++c) {
    if (c > 0) *p++ = ' ';
    put(kHeaders[c]);
    if (c < 3) pad(width[c] - kHeaders[c].size());
  }
  *p++ = '\n';
  for (size_t i = 0; i < a.rows.size(); ++i) {
    const Row& row = rows[i];
    put(row.mark);
    pad(width[0] - (row.mark.empty() ? 0 : 1));
    *p++ = ' ';
    put(row.name);
    pad(width[1] - row.name_width);
    *p++ = ' ';
    put(row.description);
    pad(width[2] - row.description_width);
    *p++ = ' ';
    // EXPOSURE is right-aligned; an empty last cell gets no padding.
    if (row.exposure_size) {
      pad(width[3] - row.exposure_size);
      put(std::string_view(row.exposure, row.exposure_size));
    }
    *p++ = '\n';
  }
  out.resize(static_cast<size_t>(p - out.data()));
  return true;
}

}  // namespace

std::string render_details(const Assessment& a, const OutputStyle& style) {
  std::string out;
  if (!style.colors && !style.links && !style.debug && render_plain_details_table(a, style, out)) {
    append_details_summary(a, style, out);
    return out;
  }
  std::vector<std::string_view> headers = {" ", "NAME", "DESCRIPTION"};
  if (style.debug) headers.insert(headers.end(), {"WEIGHT", "BADNESS", "RANGE"});
  headers.push_back("EXPOSURE");
  // The cells borrow their text (this runs once per unit of a scan), so the
  // numbers are formatted first, into storage that no longer moves.
  // Kept per thread: a scan renders one table per unit.
  thread_local std::vector<std::string> numbers;
  numbers.clear();
  numbers.reserve(a.rows.size() * (style.debug ? 4 : 1));
  for (const auto& r : a.rows) {
    if (style.debug) {
      numbers.push_back(std::to_string(r.weight));
      numbers.push_back(std::to_string(r.badness));
      numbers.push_back(std::to_string(r.range));
    }
    numbers.push_back(r.exposure ? format_tenths(*r.exposure) : "");
  }
  thread_local std::vector<TableCellView> cells;
  cells.clear();
  cells.reserve(a.rows.size() * headers.size());
  const std::string* number = numbers.data();
  const char* grey = style.colors16 ? kGrey16 : kGrey256;
  for (const auto& r : a.rows) {
    if (r.badness == kNotApplicable)
      cells.push_back({"", false, grey});
    else if (r.badness == 0)
      cells.push_back({style.utf8 ? "\xe2\x9c\x93" : "+", false, kGreen});
    else
      cells.push_back({style.utf8 ? "\xe2\x9c\x97" : "-", false, kRed});
    cells.push_back({r.check->name, false, {}, style.links ? check_url(r.check->name) : ""});
    cells.push_back({*r.description});
    for (size_t k = style.debug ? 4 : 1; k > 0; --k, ++number)
      cells.push_back({*number, true, number->empty() ? grey : ""});
  }
  render_table(headers, cells, style.colors, out, TableFit{style.width, style.utf8});
  append_details_summary(a, style, out);
  return out;
}

std::string render_details_json(const Assessment& a, JsonMode mode, bool debug) {
  std::vector<std::vector<JsonMember>> objects;
  for (const auto& r : a.rows) {
    std::vector<JsonMember> o;
    o.emplace_back("set",
                   r.badness == kNotApplicable ? "null" : (r.badness == 0 ? "true" : "false"));
    o.emplace_back("name", json_string(std::string(r.check->name)));
    o.emplace_back("json_field", json_string(std::string(r.check->json_field)));
    o.emplace_back("description", optional_string(r.description));
    if (debug) {
      o.emplace_back("weight", std::to_string(r.weight));
      o.emplace_back("badness", std::to_string(r.badness));
      o.emplace_back("range", std::to_string(r.range));
    }
    o.emplace_back("exposure", r.exposure ? json_string(format_tenths(*r.exposure)) : "null");
    objects.push_back(std::move(o));
  }
  return render_json_array(objects, mode);
}

std::string render_overview(const std::vector<OverviewRow>& rows, const OutputStyle& style) {
  // A scan's overview can have 100,000 rows: the cells borrow their text
  // rather than copy it into TableCells, which would double the memory.
  std::vector<std::string> exposures;
  exposures.reserve(rows.size());
  for (const auto& r : rows) exposures.push_back(format_tenths(r.exposure));
  std::vector<TableCellView> cells;
  cells.reserve(rows.size() * 4);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Predicate& p = predicate_for(rows[i].exposure);
    cells.push_back({rows[i].unit});
    cells.push_back({exposures[i], true});
    cells.push_back({p.name, false, p.color});
    cells.push_back({style.emoji ? p.emoji : p.ascii});
  }
  std::string out;
  render_table({"UNIT", "EXPOSURE", "PREDICATE", "HAPPY"}, cells, style.colors, out,
               TableFit{style.width, style.utf8});
  return out;
}

void write_overview(const std::vector<OverviewRow>& rows, const OutputStyle& style,
                    std::ostream& out) {
  if (style.colors) {
    out << render_overview(rows, style);
    return;
  }
  // The plain table render_table() makes of render_overview()'s cells:
  // UNIT, EXPOSURE (right-aligned), PREDICATE, HAPPY (last, unpadded).
  constexpr std::string_view kHeaders[] = {"UNIT", "EXPOSURE", "PREDICATE", "HAPPY"};
  auto exposure_text = [](uint64_t tenths, char* buf) {
    char* end = std::to_chars(buf, buf + 20, tenths / 10).ptr;
    *end++ = '.';
    *end++ = static_cast<char>('0' + tenths % 10);
    return std::string_view(buf, static_cast<size_t>(end - buf));
  };
  auto happy = [&](const Predicate& p) {
    return std::string_view(style.emoji ? p.emoji : p.ascii);
  };
  size_t width[4];
  for (size_t c = 0; c < 4; ++c) width[c] = kHeaders[c].size();
  char buf[24];
  for (const auto& r : rows) {
    const Predicate& p = predicate_for(r.exposure);
    width[0] = std::max(width[0], display_width(r.unit));
    width[1] = std::max(width[1], exposure_text(r.exposure, buf).size());
    width[2] = std::max(width[2], std::string_view(p.name).size());
    width[3] = std::max(width[3], display_width(happy(p)));
  }
  if (style.width != 0 && style.width < 3 + width[0] + width[1] + width[2] + width[3]) {
    out << render_overview(rows, style);  // shrinks to the terminal
    return;
  }
  std::string chunk;
  auto pad = [&](size_t n) { chunk.append(n, ' '); };
  for (size_t c = 0; c < 4; ++c) {
    if (c > 0) chunk += ' ';
    chunk += kHeaders[c];
    if (c < 3) pad(width[c] - kHeaders[c].size());
  }
  chunk += '\n';
  for (const auto& r : rows) {
    const Predicate& p = predicate_for(r.exposure);
    std::string_view exposure = exposure_text(r.exposure, buf);
    chunk += r.unit;
    pad(width[0] - display_width(r.unit));
    chunk += ' ';
    pad(width[1] - exposure.size());
    chunk += exposure;
    chunk += ' ';
    chunk += p.name;
    pad(width[2] - std::string_view(p.name).size());
    chunk += ' ';
    chunk += happy(p);
    chunk += '\n';
    if (chunk.size() >= 64 * 1024) {
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      chunk.clear();
    }
  }
  out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
}

std::string render_overview_json(const std::vector<OverviewRow>& rows, JsonMode mode,
                                 const OutputStyle& style) {
  std::vector<std::vector<JsonMember>> objects;
  for (const auto& r : rows) {
    const Predicate& p = predicate_for(r.exposure);
    objects.push_back({{"unit", json_string(r.unit)},
                       {"exposure", json_string(format_tenths(r.exposure))},
                       {"predicate", json_string(p.name)},
                       {"happy", json_string(happy_glyph(r.exposure, style))}});
  }
  return render_json_array(objects, mode);
}

}  // namespace hardnut
