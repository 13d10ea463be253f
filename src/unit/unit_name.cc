#include "unit/unit_name.h"

#include <array>

namespace hardnut {

namespace {

constexpr std::array<std::string_view, 11> kUnitTypes = {"service", "mount",  "swap",      "socket",
                                                         "target",  "device", "automount", "timer",
                                                         "path",    "slice",  "scope"};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '-' || c == '_' || c == '.' || c == '\\';
}

bool valid_chars(std::string_view s) {
  for (char c : s)
    if (!is_name_char(c)) return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_known_unit_type(std::string_view type) {
  for (auto t : kUnitTypes)
    if (t == type) return true;
  return false;
}

std::string UnitName::full() const {
  if (is_template) return prefix + "@." + type;
  if (!instance.empty()) return prefix + "@" + instance + "." + type;
  return prefix + "." + type;
}

std::string UnitName::template_name() const { return prefix + "@." + type; }

std::optional<UnitName> parse_unit_name(std::string_view name) {
  if (name.empty() || name.size() >= kUnitNameMax) return std::nullopt;
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view type = name.substr(dot + 1);
  if (!is_known_unit_type(type)) return std::nullopt;
  std::string_view stem = name.substr(0, dot);
  size_t at = stem.find('@');
  UnitName result;
  result.type.assign(type);
  if (at == std::string_view::npos) {
    if (!valid_chars(stem)) return std::nullopt;
    result.prefix.assign(stem);
    return result;
  }
  std::string_view prefix = stem.substr(0, at);
  std::string_view instance = stem.substr(at + 1);
  if (prefix.empty() || !valid_chars(prefix)) return std::nullopt;
  if (!valid_chars(instance)) return std::nullopt;  // also refuses a second '@'
  result.prefix.assign(prefix);
  result.instance.assign(instance);
  result.is_template = instance.empty();
  return result;
}

std::string with_instance(const UnitName& name, std::string_view instance) {
  return name.prefix + "@" + std::string(instance) + "." + name.type;
}

std::string unescape_unit_name_part(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-') {
      out += '/';
    } else if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && hex_value(s[i + 2]) >= 0 &&
               hex_value(s[i + 3]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3]));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string unit_name_path_unescape(std::string_view s) {
  if (s == "-") return "/";
  std::string u = unescape_unit_name_part(s);
  return u.empty() || u[0] != '/' ? "/" + u : u;
}

}  // namespace hardnut
