// Whether terminal output is coloured, decided from the environment the way
// systemd 252's tools decide it (terminal-util.c: get_color_mode(),
// on_tty(), terminal_is_dumb()), so that hardnut and systemd-analyze colour
// the same runs.
#pragma once

#include <map>
#include <string>

namespace hardnut {

enum class ColorMode {
  kOff,
  k16,   // SYSTEMD_COLORS=16: the 16 base ANSI colours only
  k256,  // SYSTEMD_COLORS=256 or a true boolean, or a terminal
};

// In order: a valid SYSTEMD_COLORS ("16", "256" or a boolean) decides;
// else NO_COLOR, set to anything (even empty), turns colours off; else
// colours are on only when stdout *and* stderr are terminals and TERM is
// set and not "dumb".
ColorMode color_mode(const std::map<std::string, std::string>& vars, bool stdout_tty,
                     bool stderr_tty);

// systemd's log writes "\r\n" after a message when stderr is a terminal
// (harmless in cooked mode, readable in raw mode), "\n" otherwise.
const char* log_line_end(bool stderr_tty);

}  // namespace hardnut
