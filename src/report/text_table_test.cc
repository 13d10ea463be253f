#include "report/text_table.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

TextTable sample(size_t width, bool utf8 = true) {
  TextTable t;
  t.headers = {"", "NAME", "DESCRIPTION", "EXPOSURE"};
  t.rows = {{{"x"},
             {"RootDirectory=/RootImage="},
             {"Service runs within the host's root"},
             {"0.1", true}},
            {{" "}, {"RemoveIPC="}, {"Service runs as root"}, {"", true}}};
  t.fit = {width, utf8};
  return t;
}

// An empty right-aligned last cell still gets its separator and the
// padding of the column before it, as in systemd's output.
TEST(TextTableTest, NaturalWidthWithoutLimit) {
  EXPECT_EQ(render_table(sample(0)),
            "  NAME                      DESCRIPTION                         EXPOSURE\n"
            "x RootDirectory=/RootImage= Service runs within the host's root      0.1\n"
            "  RemoveIPC=                Service runs as root                \n");
}

// Narrow columns keep what they ask for; the wide ones share the rest
// equally and lose their ends to an ellipsis (layout as systemd 252 prints
// it on a 40-column terminal).
TEST(TextTableTest, ShrinksToTheTerminal) {
  // 40 columns: the check and EXPOSURE columns get what they ask for (1, 8),
  // NAME and DESCRIPTION share the remaining 31 - 3 separators: 14 each.
  EXPECT_EQ(render_table(sample(40)),
            "  NAME           DESCRIPTION    EXPOSURE\n"
            "x RootDirectory\xe2\x80\xa6 Service runs \xe2\x80\xa6      0.1\n"
            "  RemoveIPC=     Service runs \xe2\x80\xa6 \n");
  EXPECT_EQ(render_table(sample(40, false)),
            "  NAME           DESCRIPTION    EXPOSURE\n"
            "x RootDirecto... Service run...      0.1\n"
            "  RemoveIPC=     Service run... \n");
}

}  // namespace
}  // namespace hardnut
