#include "policy.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace hardnut {

namespace {

std::optional<unsigned> as_unsigned(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    auto n = v.get<uint64_t>();
    if (n <= std::numeric_limits<unsigned>::max()) return static_cast<unsigned>(n);
    return std::nullopt;
  }
  if (v.is_number_integer()) {
    auto n = v.get<int64_t>();
    if (n >= 0 && n <= std::numeric_limits<unsigned>::max()) return static_cast<unsigned>(n);
    return std::nullopt;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d >= 0 && d <= std::numeric_limits<unsigned>::max() && std::floor(d) == d)
      return static_cast<unsigned>(d);
  }
  return std::nullopt;
}

std::optional<std::string> as_string(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return std::nullopt;
}

// Line and column of a byte offset, as systemd reports parse errors.
std::string position(const std::string& text, size_t offset) {
  unsigned line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

bool parse_policy(const std::string& text, Policy& policy, std::string& error) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    error = position(text, e.byte > 0 ? e.byte - 1 : 0) + ": Invalid argument";
    return false;
  }
  policy.clear();
  if (!doc.is_object()) return true;  // systemd 252 ignores a non-object policy
  for (auto& [field, entry] : doc.items()) {
    if (!entry.is_object()) continue;
    CheckOverride o;
    if (entry.contains("weight")) o.weight = as_unsigned(entry["weight"]);
    if (entry.contains("range")) o.range = as_unsigned(entry["range"]);
    if (entry.contains("description_good"))
      o.description_good = as_string(entry["description_good"]);
    if (entry.contains("description_bad")) o.description_bad = as_string(entry["description_bad"]);
    if (entry.contains("description_na")) o.description_na = as_string(entry["description_na"]);
    policy[field] = o;
  }
  return true;
}

}  // namespace hardnut
