#include "report/suppression.h"

#include "unit/unit_file.h"

namespace hardnut {

namespace {

constexpr std::string_view kMarker = "hardnut:";
constexpr std::string_view kBlank = " \t";

bool covers(std::string_view pattern, std::string_view id) {
  if (!pattern.empty() && pattern.back() == '*')
    return id.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1);
  return pattern == id;
}

// Splits `key=value key="quoted value"` into pairs; false on a syntax error
// (message in `error`).
bool split_pairs(std::string_view s, std::vector<std::pair<std::string, std::string>>& out,
                 std::string& error) {
  size_t i = 0;
  for (;;) {
    i = s.find_first_not_of(kBlank, i);
    if (i == std::string_view::npos) return true;
    size_t eq = s.find('=', i);
    size_t blank = s.find_first_of(kBlank, i);
    if (eq == std::string_view::npos || (blank != std::string_view::npos && blank < eq)) {
      error = "expected KEY=VALUE at \"" + std::string(s.substr(i)) + "\"";
      return false;
    }
    std::string key(s.substr(i, eq - i)), value;
    i = eq + 1;
    if (i < s.size() && s[i] == '"') {
      // A quoted value: \" and \\ are the only escapes.
      for (++i;; ++i) {
        if (i >= s.size()) {
          error = "unterminated quote in " + key + "=";
          return false;
        }
        if (s[i] == '"') break;
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
        value += s[i];
      }
      ++i;
    } else {
      size_t end = s.find_first_of(kBlank, i);
      if (end == std::string_view::npos) end = s.size();
      value.assign(s.substr(i, end - i));
      i = end;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
}

}  // namespace

const Suppression* Suppressions::find(std::string_view check_id) const {
  for (const auto& s : entries)
    if (covers(s.check, check_id)) return &s;
  return nullptr;
}

Suppressions parse_suppressions(const std::vector<SourceComment>& comments,
                                const std::vector<Check>& checks) {
  Suppressions out;
  for (const auto& c : comments) {
    std::string_view text = c.text;
    // "#", ";" or several of them, then the marker.
    size_t start = text.find_first_not_of("#; \t");
    if (start == std::string_view::npos || text.substr(start, kMarker.size()) != kMarker) continue;
    std::string where = c.file + ":" + std::to_string(c.line) + ": hardnut: ";
    auto problem = [&](const std::string& what) {
      out.problems.push_back(where + escape_invalid_utf8(what) + ", ignoring suppression.");
    };
    std::vector<std::pair<std::string, std::string>> pairs;
    std::string error;
    if (!split_pairs(text.substr(start + kMarker.size()), pairs, error)) {
      problem(error);
      continue;
    }
    std::string ignore, reason;
    bool has_ignore = false, bad = false;
    for (const auto& [key, value] : pairs) {
      if (key == "ignore") {
        ignore = value;
        has_ignore = true;
      } else if (key == "reason") {
        reason = value;
      } else {
        problem("unknown key \"" + key + "\" (ignore= and reason= are known)");
        bad = true;
      }
    }
    if (bad) continue;
    if (!has_ignore || ignore.empty()) {
      problem("no checks in ignore=");
      continue;
    }
    // A suppression nobody can explain later is a finding hidden for good.
    if (reason.find_first_not_of(kBlank) == std::string::npos) {
      problem("reason=\"...\" is required");
      continue;
    }
    for (size_t i = 0; i <= ignore.size();) {
      size_t comma = ignore.find(',', i);
      if (comma == std::string::npos) comma = ignore.size();
      std::string id = ignore.substr(i, comma - i);
      i = comma + 1;
      bool known = false;
      for (const auto& check : checks) known = known || covers(id, check.json_field);
      if (id.empty() || !known) {
        problem("\"" + id + "\" names no check (ids as in --json=short, e.g. PrivateNetwork)");
        continue;
      }
      out.entries.push_back({id, escape_invalid_utf8(reason), c.file, c.line});
    }
  }
  return out;
}

}  // namespace hardnut
