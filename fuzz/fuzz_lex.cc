// Fuzz target: the unit-file lexer (lex_unit_file, split_lines and the
// UTF-8 helpers), with invariants on what it hands on.
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "unit/unit_file.h"

namespace hardnut::fuzz {

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int lex_one_input(const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  auto known = [](std::string_view s) { return s == "Unit" || s == "Service" || s == "Install"; };
  LexResult r = lex_unit_file(content, known);

  std::vector<std::string_view> lines = split_lines(content);
  size_t total = 0;
  for (auto l : lines) {
    HARDNUT_FUZZ_CHECK(l.find_first_of(std::string_view("\n\r\0", 3)) == std::string_view::npos);
    total += l.size();
  }
  HARDNUT_FUZZ_CHECK(total <= size);

  unsigned last = 0;
  for (const auto& e : r.events) {
    HARDNUT_FUZZ_CHECK(e.line >= 1 && e.line >= last);
    // One past the last line: an open continuation at the end of the file.
    HARDNUT_FUZZ_CHECK(e.line <= lines.size() + 1);
    last = e.line;
    switch (e.kind) {
      case UnitFileEvent::kSection:
        HARDNUT_FUZZ_CHECK(known(e.section));
        break;
      case UnitFileEvent::kAssignment:
        HARDNUT_FUZZ_CHECK(known(e.section));
        HARDNUT_FUZZ_CHECK(!e.key.empty() && e.key.find('=') == std::string::npos);
        HARDNUT_FUZZ_CHECK(!is_space(e.key.front()) && !is_space(e.key.back()));
        HARDNUT_FUZZ_CHECK(e.value.empty() ||
                           (!is_space(e.value.front()) && !is_space(e.value.back())));
        HARDNUT_FUZZ_CHECK(is_valid_utf8(e.key) && is_valid_utf8(e.value));
        break;
      case UnitFileEvent::kWarning:
        // Offending text is escaped before it is quoted.
        HARDNUT_FUZZ_CHECK(!e.message.empty() && is_valid_utf8(e.message));
        break;
      case UnitFileEvent::kComment:
        HARDNUT_FUZZ_CHECK(false);  // only with keep_comments, not asked for here
        break;
    }
  }
  // Comments are extra events: the others stay exactly the same.
  LexResult with_comments = lex_unit_file(content, known, /*keep_comments=*/true);
  size_t others = 0;
  for (const auto& e : with_comments.events) {
    if (e.kind != UnitFileEvent::kComment) {
      HARDNUT_FUZZ_CHECK(others < r.events.size() && r.events[others].line == e.line &&
                         r.events[others].kind == e.kind && r.events[others].value == e.value);
      ++others;
    } else {
      HARDNUT_FUZZ_CHECK(!e.value.empty() && (e.value[0] == '#' || e.value[0] == ';'));
    }
  }
  HARDNUT_FUZZ_CHECK(others == r.events.size() && with_comments.fatal_error == r.fatal_error);
  HARDNUT_FUZZ_CHECK(r.fatal_error.empty() || r.fatal_error == "Bad message" ||
                     r.fatal_error == "Invalid argument" ||
                     r.fatal_error == "No buffer space available");

  std::string escaped = escape_invalid_utf8(content);
  HARDNUT_FUZZ_CHECK(is_valid_utf8(escaped));
  HARDNUT_FUZZ_CHECK((escaped == content) == is_valid_utf8(content));
  return 0;
}

}  // namespace hardnut::fuzz

HARDNUT_FUZZ_ENTRY(lex_one_input)
