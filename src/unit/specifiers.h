// Expansion of unit-file specifiers (%i, %n, %p, ...) in the settings the
// assessment reads.
#pragma once

#include <optional>
#include <string>

#include "unit/unit_name.h"

namespace hardnut {

struct SpecifierContext {
  UnitName name;
  std::string fragment_path;  // %y
  bool user_scope = false;
};

// Returns nullopt for an unknown specifier or a trailing lone '%'
// (systemd: "Invalid slot").
std::optional<std::string> expand_specifiers(const std::string& text, const SpecifierContext& ctx);

}  // namespace hardnut
