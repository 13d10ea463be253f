// User and group names as systemd 252 accepts them in User=, Group= and
// SupplementaryGroups=.
#pragma once

#include <string_view>

namespace hardnut {

// The portable name rules: [a-zA-Z_][a-zA-Z0-9_-]*, at most 31 characters.
bool is_strict_user_name(std::string_view name);

// A decimal user or group ID systemd accepts (not 65535 or 4294967295).
bool is_valid_numeric_id(std::string_view name);

enum class UserNameCheck {
  kValid,             // strict name or numeric ID
  kValidWithWarning,  // relaxed rules only: systemd accepts it but warns
  kInvalid,           // fatal for the unit
};
UserNameCheck check_user_name(std::string_view name);

}  // namespace hardnut
