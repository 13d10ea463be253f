#include "unit/unit_name_mangle.h"

#include <cstring>
#include <vector>

#include "unit/unit_name.h"

namespace hardnut {

namespace {

constexpr size_t kPathMax = 4096;
constexpr size_t kFileNameMax = 255;

bool is_unit_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr(":-_.\\", c) != nullptr);
}

void escape_char(char c, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  auto u = static_cast<unsigned char>(c);
  out += "\\x";
  out += kHex[u >> 4];
  out += kHex[u & 15];
}

// Components of a path with empty and "." ones dropped (systemd's
// path_simplify()).
std::vector<std::string_view> path_components(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") parts.push_back(part);
    i = j + 1;
  }
  return parts;
}

// Whether systemd turns the absolute path into a unit name; it refuses
// ".." components and over-long components or paths (and then escapes the
// argument as an ordinary name instead).
bool path_converts_to_unit_name(std::string_view path) {
  size_t length = 0;
  for (auto part : path_components(path)) {
    if (part == ".." || part.size() > kFileNameMax) return false;
    length += part.size() + 1;
  }
  return length < kPathMax;
}

}  // namespace

bool systemd_unit_name_is_valid(std::string_view n) {
  if (n.empty() || n.size() >= kUnitNameMax) return false;
  size_t dot = n.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  if (!is_known_unit_type(n.substr(dot + 1))) return false;
  size_t at = std::string_view::npos;
  for (size_t i = 0; i < dot; ++i) {
    if (n[i] == '@' && at == std::string_view::npos) {
      at = i;
      continue;
    }
    // Before the first '@' only name characters; after it '@' is allowed too.
    if (!is_unit_char(n[i]) && !(n[i] == '@' && at != std::string_view::npos)) return false;
  }
  return at != 0;
}

std::optional<MangledName> mangle_unit_name(std::string_view arg) {
  if (arg.empty()) return std::nullopt;
  if (systemd_unit_name_is_valid(arg)) return MangledName{std::string(arg), false};
  if (arg[0] == '/' && path_converts_to_unit_name(arg)) return MangledName{std::string(arg), true};
  std::string s;
  for (char c : arg) {
    if (c == '/')
      s += '-';
    else if (c == '@' || is_unit_char(c))
      s += c;
    else
      escape_char(c, s);
  }
  // systemd appends the suffix whenever the escaped name is not a valid
  // unit name, even if it ends in a type (".service" → ".service.service").
  if (!systemd_unit_name_is_valid(s)) s += ".service";
  if (!systemd_unit_name_is_valid(s)) return std::nullopt;
  return MangledName{s, false};
}

std::string live_analysed_name(const std::string& mangled, std::string_view instance) {
  size_t at = mangled.find('@'), dot = mangled.rfind('.');
  if (at != std::string::npos && at + 1 == dot)
    return mangled.substr(0, at + 1) + std::string(instance) + mangled.substr(dot);
  return mangled;
}

}  // namespace hardnut
