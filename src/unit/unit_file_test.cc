#include "unit/unit_file.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

bool any_section(std::string_view) { return true; }

TEST(LexComments, OnlyWhenAskedFor) {
  std::string text = "# top\n[Service]\n  ; indented\nExecStart=/bin/true\n";
  for (const auto& e : lex_unit_file(text, any_section).events)
    EXPECT_NE(e.kind, UnitFileEvent::kComment);
  auto events = lex_unit_file(text, any_section, /*keep_comments=*/true).events;
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, UnitFileEvent::kComment);
  EXPECT_EQ(events[0].value, "# top");
  EXPECT_EQ(events[2].kind, UnitFileEvent::kComment);
  EXPECT_EQ(events[2].value, "; indented");
  EXPECT_EQ(events[2].line, 3u);
}

// systemd skips a comment inside a continuation; the value goes on after it.
TEST(LexComments, InsideAContinuation) {
  std::string text = "[Service]\nExecStart=/bin/echo a \\\n# note\n b\n";
  auto events = lex_unit_file(text, any_section, true).events;
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, UnitFileEvent::kComment);
  EXPECT_EQ(events[1].line, 3u);
  EXPECT_EQ(events[2].kind, UnitFileEvent::kAssignment);
  EXPECT_EQ(events[2].value, "/bin/echo a   b");  // "a " + " " + " b"
}

}  // namespace
}  // namespace hardnut
