// How output looks in an environment, decided the way systemd does it:
// UTF-8 glyphs, emoji, colours, hyperlinks and the table width.
#pragma once

#include "base/environment.h"
#include "report/report.h"

namespace hardnut {

OutputStyle output_style(const Environment& env);

}  // namespace hardnut
