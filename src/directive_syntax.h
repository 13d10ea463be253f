// Syntax checks of the directives the assessment does not read, so that
// hardnut warns about them exactly as systemd 252 does (same text, same
// line). They never change the score.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "specifiers.h"

namespace hardnut {

// `type` is the value type systemd documents for the key ("BOOLEAN",
// "SECONDS", "PATH [...]", "OTHER", ...; from data/config-items-v252.txt).
// Appends systemd's warnings for a bad value to `warnings` (without the
// "file:line: " prefix).
void check_value_syntax(std::string_view section, const std::string& key, std::string_view type,
                        const std::string& value, const SpecifierContext& specifiers,
                        std::vector<std::string>& warnings);

}  // namespace hardnut
