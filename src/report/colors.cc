#include "report/colors.h"

#include "base/values.h"

namespace hardnut {

ColorMode color_mode(const std::map<std::string, std::string>& vars, bool stdout_tty,
                     bool stderr_tty) {
  if (auto it = vars.find("SYSTEMD_COLORS"); it != vars.end()) {
    if (it->second == "16") return ColorMode::k16;
    if (it->second == "256") return ColorMode::k256;
    if (auto b = parse_boolean(it->second)) return *b ? ColorMode::k256 : ColorMode::kOff;
    // Anything else is ignored, as if unset.
  }
  if (vars.count("NO_COLOR")) return ColorMode::kOff;
  // systemd checks both streams: output piped or errors redirected both
  // mean "not interactive".
  if (!stdout_tty || !stderr_tty) return ColorMode::kOff;
  auto term = vars.find("TERM");
  if (term == vars.end() || term->second == "dumb") return ColorMode::kOff;
  return ColorMode::k256;
}

const char* log_line_end(bool stderr_tty) { return stderr_tty ? "\r\n" : "\n"; }

}  // namespace hardnut
