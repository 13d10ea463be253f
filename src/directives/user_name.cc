#include "directives/user_name.h"

#include <cctype>
#include <cstdint>

#include "unit/unit_file.h"

namespace hardnut {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

bool is_strict_user_name(std::string_view name) {
  if (name.empty() || name.size() > 31) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(name[0]) && name[0] != '_') return false;
  for (char c : name.substr(1))
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') return false;
  return true;
}

bool is_valid_numeric_id(std::string_view name) {
  if (!all_digits(name) || (name.size() > 1 && name[0] == '0') || name.size() > 10) return false;
  uint64_t v = 0;
  for (char c : name) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v < 0xffffffffu && v != 0xffff;
}

UserNameCheck check_user_name(std::string_view name) {
  if (is_valid_numeric_id(name)) return UserNameCheck::kValid;
  std::string_view digits = name.substr(0, 1) == "-" ? name.substr(1) : name;
  if (all_digits(digits)) return UserNameCheck::kInvalid;
  if (is_strict_user_name(name)) return UserNameCheck::kValid;
  if (name.empty() || name == "." || name == ".." || !is_valid_utf8(name) ||
      isspace(static_cast<unsigned char>(name.front())) ||
      isspace(static_cast<unsigned char>(name.back())))
    return UserNameCheck::kInvalid;
  for (unsigned char c : name)
    if (c < ' ' || c == 127 || c == ':' || c == '/') return UserNameCheck::kInvalid;
  return UserNameCheck::kValidWithWarning;
}

}  // namespace hardnut
