#include "unit/unit_file.h"

#include <cstdint>
#include <cstring>

namespace hardnut {

namespace {

constexpr std::string_view kWhitespace = " \t\n\r";
constexpr std::string_view kUtf8Bom = "\xef\xbb\xbf";
// systemd's LONG_LINE_MAX: the longest physical or continued line.
constexpr size_t kLongLineMax = 1024 * 1024;

std::string_view strip(std::string_view s) {
  size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kWhitespace);
  return s.substr(begin, end - begin + 1);
}

bool is_comment(std::string_view line) {
  std::string_view s = strip(line);
  return !s.empty() && (s[0] == '#' || s[0] == ';');
}

// A line continues when it ends in a backslash that is not itself escaped.
bool ends_in_continuation(std::string_view line) {
  size_t backslashes = 0;
  while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

// Characters systemd refuses in a section name.
bool is_safe_section_name(std::string_view s) {
  for (unsigned char c : s) {
    if (c < ' ' || c == 127 || c == '"' || c == '\'' || c == '\\') return false;
  }
  return true;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) {
    len = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string escape_invalid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {

// The next line of `content` from `pos` as split_lines() cuts it; moves
// `pos` past its line ending.
std::string_view next_line(std::string_view content, size_t& pos) {
  size_t i = pos, start = pos;
  while (i < content.size() && content[i] != '\n' && content[i] != '\r' && content[i] != '\0') ++i;
  std::string_view line = content.substr(start, i - start);
  bool seen_lf = false, seen_cr = false;
  while (i < content.size()) {
    char c = content[i];
    if (c == '\0') {
      ++i;
      break;
    }
    if ((c == '\n' && !seen_lf) || (c == '\r' && !seen_cr)) {
      (c == '\n' ? seen_lf : seen_cr) = true;
      ++i;
      continue;
    }
    break;
  }
  pos = i;
  return line;
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view content) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < content.size()) lines.push_back(next_line(content, pos));
  return lines;
}

namespace {

// is_valid_utf8(), with a fast path for ASCII (almost every line).
bool is_valid_utf8_line(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + i, 8);
    if (v & 0x8080808080808080ULL) break;
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return is_valid_utf8(s.substr(i));
  return true;
}

}  // namespace

std::string lex_unit_file(std::string_view content, const SectionFilter& known_section,
                          bool keep_comments, const UnitFileVisitor& visit) {
  std::string fatal_error;
  bool stop = false;

  // Messages are rare: they are composed here and lent to `visit`.
  auto warn = [&](unsigned line, const std::string& message) {
    UnitFileEventView e{UnitFileEvent::kWarning, line};
    e.message = message;
    if (!visit(e)) stop = true;
  };

  std::string section;
  bool section_ignored = false;

  // Handles one logical line (continuations joined); sets `stop` when
  // systemd refuses the file (or `visit` asks to stop).
  auto process = [&](std::string_view joined, unsigned line_number) {
    std::string_view line = strip(joined);
    if (line.empty()) return;

    // Before anything else, section headers and ignored sections included:
    // systemd refuses the file either way.
    if (!is_valid_utf8_line(line)) {
      warn(line_number,
           "String is not UTF-8 clean, ignoring assignment: " + escape_invalid_utf8(line));
      fatal_error = "Invalid argument";
      stop = true;
      return;
    }
    if (line[0] == '[') {
      if (line.back() != ']') {
        warn(line_number, "Invalid section header '" + std::string(line) + "'");
        fatal_error = "Bad message";
        stop = true;
        return;
      }
      std::string_view name = line.substr(1, line.size() - 2);
      if (!is_safe_section_name(name)) {
        warn(line_number, "Bad characters in section header '" + std::string(line) + "'");
        fatal_error = "Bad message";
        stop = true;
        return;
      }
      section.assign(name);
      section_ignored = !known_section(name);
      if (section_ignored) {
        if (name.substr(0, 2) != "X-")
          warn(line_number, "Unknown section '" + section + "'. Ignoring.");
      } else {
        UnitFileEventView e{UnitFileEvent::kSection, line_number};
        e.section = section;
        if (!visit(e)) stop = true;
      }
      return;
    }
    if (section_ignored) return;
    if (section.empty()) {
      warn(line_number, "Assignment outside of section. Ignoring.");
      return;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      warn(line_number, "Missing '=', ignoring line.");
      return;
    }
    std::string_view key = strip(line.substr(0, eq));
    if (key.empty()) {
      warn(line_number, "Missing key name before '=', ignoring line.");
      return;
    }
    UnitFileEventView e{UnitFileEvent::kAssignment, line_number};
    e.section = section;
    e.key = key;
    e.value = strip(line.substr(eq + 1));
    if (!visit(e)) stop = true;
  };

  std::string continuation;
  bool continuing = false;
  bool bom_seen = false;
  unsigned line_number = 0;
  for (size_t pos = 0; pos < content.size();) {
    std::string_view raw = next_line(content, pos);
    // systemd's read_line() refuses a line of LONG_LINE_MAX bytes or more,
    // comments included, and the whole file with it (ENOBUFS, no message).
    if (raw.size() >= kLongLineMax) return "No buffer space available";
    ++line_number;
    bool comment = is_comment(raw);
    if (comment || (!continuing && strip(raw).empty())) {
      if (keep_comments && comment) {
        UnitFileEventView e{UnitFileEvent::kComment, line_number};
        e.value = strip(raw);
        if (!visit(e)) return {};
      }
      continue;
    }
    // The first line that starts with a byte order mark loses it (a comment
    // is recognised before that, so "<BOM># x" is not a comment).
    if (!bom_seen && raw.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      raw.remove_prefix(kUtf8Bom.size());
      bom_seen = true;
    }
    if (continuing && continuation.size() + raw.size() > kLongLineMax)
      return "No buffer space available";
    if (ends_in_continuation(raw)) {
      continuation.append(raw.substr(0, raw.size() - 1));
      continuation += ' ';
      continuing = true;
      continue;
    }
    if (continuing) {
      // Joined lines are lent from `continuation`, which the next one reuses.
      continuation.append(raw);
      process(continuation, line_number);
      continuation.clear();
      continuing = false;
    } else {
      process(raw, line_number);
    }
    if (stop) return fatal_error;
  }
  // A continuation still open at the end of the file ends there; systemd
  // numbers it as one line past the last.
  if (continuing) process(continuation, line_number + 1);
  return fatal_error;
}

LexResult lex_unit_file(std::string_view content, const SectionFilter& known_section,
                        bool keep_comments) {
  LexResult result;
  result.fatal_error =
      lex_unit_file(content, known_section, keep_comments, [&](const UnitFileEventView& v) {
        UnitFileEvent e{v.kind, v.line};
        e.section.assign(v.section);
        e.key.assign(v.key);
        e.value.assign(v.value);
        e.message.assign(v.message);
        result.events.push_back(std::move(e));
        return true;
      });
  return result;
}

}  // namespace hardnut
