#include "report.h"

#include <cstdio>
#include <map>

#include "embedded_data.h"
#include "text_table.h"

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

std::string optional_string(const std::optional<std::string>& s) {
  return s ? json_string(*s) : "null";
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

std::string render_details(const Assessment& a, const OutputStyle& style) {
  std::vector<std::string_view> headers = {" ", "NAME", "DESCRIPTION"};
  if (style.debug) headers.insert(headers.end(), {"WEIGHT", "BADNESS", "RANGE"});
  headers.push_back("EXPOSURE");
  // The cells borrow their text (this runs once per unit of a scan), so the
  // numbers are formatted first, into storage that no longer moves.
  std::vector<std::string> numbers;
  numbers.reserve(a.rows.size() * (style.debug ? 4 : 1));
  for (const auto& r : a.rows) {
    if (style.debug) {
      numbers.push_back(std::to_string(r.weight));
      numbers.push_back(std::to_string(r.badness));
      numbers.push_back(std::to_string(r.range));
    }
    numbers.push_back(r.exposure ? format_tenths(*r.exposure) : "");
  }
  std::vector<TableCellView> cells;
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
    cells.push_back({r.description ? std::string_view(*r.description) : std::string_view()});
    for (size_t k = style.debug ? 4 : 1; k > 0; --k, ++number)
      cells.push_back({*number, true, number->empty() ? grey : ""});
  }
  std::string out;
  render_table(headers, cells, style.colors, out, TableFit{style.width, style.utf8});
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
