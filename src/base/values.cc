#include "base/values.h"

#include <strings.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

namespace hardnut {

namespace {

bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Strips leading whitespace and a "0b"/"0o" prefix; returns the strtol base.
int take_base(std::string* s) {
  size_t i = 0;
  while (i < s->size() && is_separator((*s)[i])) ++i;
  s->erase(0, i);
  if (s->size() >= 2 && (*s)[0] == '0') {
    char p = (*s)[1];
    if (p == 'b' || p == 'B') {
      s->erase(0, 2);
      return 2;
    }
    if (p == 'o' || p == 'O') {
      s->erase(0, 2);
      return 8;
    }
  }
  return 0;
}

}  // namespace

WordResult extract_word(std::string_view* rest, std::string* word, Quotes quotes) {
  std::string_view s = *rest;
  word->clear();
  size_t i = 0;
  while (i < s.size() && is_separator(s[i])) ++i;
  if (i == s.size()) {
    *rest = s.substr(i);
    return WordResult::kEnd;
  }
  char quote = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 == s.size()) return WordResult::kSyntaxError;
      word->push_back(s[++i]);
    } else if (quote) {
      if (c == quote)
        quote = 0;
      else
        word->push_back(c);
    } else if (quotes == Quotes::kUnquote && (c == '\'' || c == '"')) {
      quote = c;
    } else if (is_separator(c)) {
      break;
    } else {
      word->push_back(c);
    }
  }
  if (quote) return WordResult::kSyntaxError;
  *rest = s.substr(i);
  return WordResult::kWord;
}

std::optional<std::vector<std::string>> unquoted_words(std::string_view value) {
  std::vector<std::string> words;
  std::string word;
  while (true) {
    WordResult r = extract_word(&value, &word, Quotes::kUnquote);
    if (r == WordResult::kEnd) return words;
    if (r == WordResult::kSyntaxError) return std::nullopt;
    words.push_back(word);
  }
}

std::optional<unsigned> parse_mode(std::string_view v) {
  if (v.empty() || v.size() > 8) return std::nullopt;
  unsigned mode = 0;
  for (char c : v) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  if (mode > 07777) return std::nullopt;
  return mode;
}

std::optional<int64_t> parse_signed(std::string_view text) {
  std::string s(text);
  int base = take_base(&s);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long v = strtoll(s.c_str(), &end, base);
  if (errno != 0 || end == s.c_str() || *end != '\0') return std::nullopt;
  return v;
}

std::optional<uint64_t> parse_unsigned(std::string_view text) {
  std::string s(text);
  int base = take_base(&s);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = strtoull(s.c_str(), &end, base);
  if (errno != 0 || end == s.c_str() || *end != '\0') return std::nullopt;
  if (v != 0 && s[0] == '-') return std::nullopt;
  return v;
}

std::optional<bool> parse_boolean(std::string_view v) {
  static const char* const kTrue[] = {"1", "yes", "y", "true", "t", "on"};
  static const char* const kFalse[] = {"0", "no", "n", "false", "f", "off"};
  auto eq = [&](const char* w) {
    return v.size() == strlen(w) && strncasecmp(v.data(), w, v.size()) == 0;
  };
  for (auto w : kTrue)
    if (eq(w)) return true;
  for (auto w : kFalse)
    if (eq(w)) return false;
  return std::nullopt;
}

bool is_valid_timespan(std::string_view v) {
  static const std::set<std::string, std::less<>> kUnits = {
      "",      "usec",  "us",      "\xc2\xb5s", "msec", "ms",     "seconds", "second",
      "sec",   "s",     "minutes", "minute",    "min",  "months", "month",   "M",
      "years", "year",  "y",       "weeks",     "week", "w",      "days",    "day",
      "d",     "hours", "hour",    "hr",        "h",    "m"};
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  size_t i = 0;
  while (i < v.size() && is_space(v[i])) ++i;
  if (v.substr(i) == "infinity") return true;
  bool any = false;
  while (i < v.size()) {
    size_t start = i;
    while (i < v.size() && isdigit(static_cast<unsigned char>(v[i]))) ++i;
    bool digits = i > start;
    if (i < v.size() && v[i] == '.') {
      ++i;
      size_t frac = i;
      while (i < v.size() && isdigit(static_cast<unsigned char>(v[i]))) ++i;
      digits = digits || i > frac;
    }
    if (!digits) return false;
    while (i < v.size() && is_space(v[i])) ++i;
    size_t unit_start = i;
    while (i < v.size() && !isdigit(static_cast<unsigned char>(v[i])) && !is_space(v[i]) &&
           v[i] != '.')
      ++i;
    if (!kUnits.count(v.substr(unit_start, i - unit_start))) return false;
    while (i < v.size() && is_space(v[i])) ++i;
    any = true;
  }
  return any;
}

bool is_absolute_path(std::string_view p) { return !p.empty() && p[0] == '/'; }

std::string simplify_path(std::string_view p) {
  std::string out;
  size_t i = 0;
  bool absolute = !p.empty() && p[0] == '/';
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view part = p.substr(i, j - i);
    if (!part.empty() && part != ".") {
      if (!out.empty() || absolute) out += '/';
      out.append(part);
    }
    i = j + 1;
  }
  if (out.empty()) return absolute ? "/" : ".";
  return out;
}

bool has_dotdot(std::string_view p) {
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (p.substr(i, j - i) == "..") return true;
    i = j + 1;
  }
  return false;
}

}  // namespace hardnut
