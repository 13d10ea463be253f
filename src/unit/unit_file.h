// Lexer for the INI-like unit file syntax: turns the bytes of one file into
// the sequence of section headers and assignments systemd's parser sees,
// with line numbers, plus the syntax warnings it prints on the way.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

// What the lexer hands on for every meaningful line, in file order.
struct UnitFileEvent {
  enum Kind {
    kSection,     // a valid section header; `section` is its name
    kAssignment,  // KEY=VALUE inside a section the caller accepted
    kWarning,     // a message to print as "file:line: message"
    kComment,     // a comment line, only when asked for; `value` is the stripped line
  };
  Kind kind;
  unsigned line = 0;
  std::string section;
  std::string key;
  std::string value;
  std::string message;
};

// Decides whether a section name is known for the unit type being parsed.
using SectionFilter = std::function<bool(std::string_view section)>;

struct LexResult {
  std::vector<UnitFileEvent> events;
  // Set when systemd refuses the whole file; the text is the strerror()
  // of the error it reports ("Bad message", "Invalid argument", ...).
  std::string fatal_error;
};

// `keep_comments` adds kComment events: systemd ignores comments, but
// hardnut reads its own inline directives (suppressions) from them.
LexResult lex_unit_file(std::string_view content, const SectionFilter& known_section,
                        bool keep_comments = false);

// One event as lex_unit_file() makes it, its strings borrowed: valid only
// during the call that receives it.
struct UnitFileEventView {
  UnitFileEvent::Kind kind;
  unsigned line = 0;
  std::string_view section;
  std::string_view key;
  std::string_view value;  // kAssignment, kComment
  std::string_view message;
};
// Returns false to stop lexing (the rest of the file is not looked at).
using UnitFileVisitor = std::function<bool(const UnitFileEventView&)>;

// The same events, handed to `visit` one by one as the lexer finds them,
// without copying a string: for loading units, where lexing is on the hot
// path. Returns LexResult::fatal_error (empty when none, or when `visit`
// stopped the lexer first).
std::string lex_unit_file(std::string_view content, const SectionFilter& known_section,
                          bool keep_comments, const UnitFileVisitor& visit);

// systemd's line splitting: "\n", "\r", "\0", and pairs of different ones.
std::vector<std::string_view> split_lines(std::string_view content);

// Replaces every byte that is not part of a valid UTF-8 sequence by U+FFFD.
std::string escape_invalid_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);

}  // namespace hardnut
