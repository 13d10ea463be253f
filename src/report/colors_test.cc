#include "report/colors.h"

#include <gtest/gtest.h>

namespace hardnut {
namespace {

using Vars = std::map<std::string, std::string>;

// Both streams on a terminal, TERM set: the interactive case.
ColorMode interactive(const Vars& vars) { return color_mode(vars, true, true); }

TEST(ColorMode, TerminalWithTermIsColoured) {
  EXPECT_EQ(interactive({{"TERM", "xterm"}}), ColorMode::k256);
}

TEST(ColorMode, DumbOrMissingTermIsPlain) {
  EXPECT_EQ(interactive({{"TERM", "dumb"}}), ColorMode::kOff);
  EXPECT_EQ(interactive({}), ColorMode::kOff);
}

TEST(ColorMode, BothStreamsMustBeTerminals) {
  Vars vars{{"TERM", "xterm"}};
  EXPECT_EQ(color_mode(vars, true, false), ColorMode::kOff);
  EXPECT_EQ(color_mode(vars, false, true), ColorMode::kOff);
}

TEST(ColorMode, NoColorIsPresenceOnly) {
  EXPECT_EQ(interactive({{"TERM", "xterm"}, {"NO_COLOR", ""}}), ColorMode::kOff);
  EXPECT_EQ(interactive({{"TERM", "xterm"}, {"NO_COLOR", "0"}}), ColorMode::kOff);
}

TEST(ColorMode, SystemdColorsWinsOverEverything) {
  EXPECT_EQ(color_mode({{"SYSTEMD_COLORS", "1"}, {"NO_COLOR", "1"}}, false, false),
            ColorMode::k256);
  EXPECT_EQ(color_mode({{"SYSTEMD_COLORS", "yes"}, {"TERM", "dumb"}}, false, false),
            ColorMode::k256);
  EXPECT_EQ(interactive({{"SYSTEMD_COLORS", "0"}, {"TERM", "xterm"}}), ColorMode::kOff);
  EXPECT_EQ(color_mode({{"SYSTEMD_COLORS", "16"}}, false, false), ColorMode::k16);
  EXPECT_EQ(color_mode({{"SYSTEMD_COLORS", "256"}}, false, false), ColorMode::k256);
}

TEST(ColorMode, InvalidSystemdColorsIsIgnored) {
  EXPECT_EQ(interactive({{"SYSTEMD_COLORS", "bogus"}, {"TERM", "xterm"}}), ColorMode::k256);
  EXPECT_EQ(interactive({{"SYSTEMD_COLORS", ""}, {"TERM", "xterm"}, {"NO_COLOR", "1"}}),
            ColorMode::kOff);
  EXPECT_EQ(color_mode({{"SYSTEMD_COLORS", "bogus"}, {"TERM", "xterm"}}, false, false),
            ColorMode::kOff);
}

TEST(LogLineEnd, CarriageReturnOnlyOnATerminal) {
  EXPECT_STREQ(log_line_end(true), "\r\n");
  EXPECT_STREQ(log_line_end(false), "\n");
}

}  // namespace
}  // namespace hardnut
