#include "assess/policy.h"

#include <locale.h>
#include <stdlib.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>

#include "base/root_fs.h"
#include "model/systemd_version.h"

namespace hardnut {

namespace {

// What systemd's json_variant_is_unsigned() accepts: a non-negative
// integer up to UINT64_MAX, or an integral real that converts to one.
std::optional<uint64_t> as_unsigned(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    auto n = v.get<int64_t>();
    if (n >= 0) return static_cast<uint64_t>(n);
    return std::nullopt;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    // 2^64 itself does not fit (UINT64_MAX is not representable as a double).
    if (d >= 0 && d < 18446744073709551616.0 && std::floor(d) == d) return static_cast<uint64_t>(d);
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

// Whether `t` is a number as JSON spells it: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
bool is_json_number(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0')
    ++i;
  else if (!digits())
    return false;
  if (i < t.size() && t[i] == '.' && (++i, !digits())) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

// nlohmann::json refuses a number beyond the range of a double (it throws
// out_of_range, not parse_error); systemd reads it as infinity, which no
// policy field accepts. Such a number becomes `null` padded to its length:
// ignored the same way, and later error positions do not move. One pass,
// so the parse stays linear however many there are.
std::string without_infinite_numbers(const std::string& text) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", nullptr);
  std::string out = text;
  bool in_string = false;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && !(c >= '0' && c <= '9')) continue;
    size_t end = i;
    while (end < out.size() &&
           std::string_view("+-.eE0123456789").find(out[end]) != std::string_view::npos)
      ++end;
    std::string token = out.substr(i, end - i);
    if (is_json_number(token) && token.size() >= 4 &&
        std::isinf(strtod_l(token.c_str(), nullptr, c_locale)))
      out.replace(i, token.size(), "null" + std::string(token.size() - 4, ' '));
    i = end - 1;
  }
  return out;
}

}  // namespace

bool parse_policy(const std::string& text, Policy& policy, std::string& error) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(without_infinite_numbers(text));
  } catch (const nlohmann::json::parse_error& e) {
    error = position(text, e.byte > 0 ? e.byte - 1 : 0) + ": Invalid argument";
    return false;
  } catch (const nlohmann::json::exception&) {
    // Not expected after the rewrite above; still an error, never a crash.
    error = "1:1: Invalid argument";
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

// The policy file: --security-policy=, else the first one installed.
namespace {

// Where a JSON text's first token ends ("1:2" for "[1]") if that token does
// not open an object; nullopt for an object or an empty text.
std::optional<std::string> non_object_end(const std::string& text) {
  unsigned line = 1, column = 1;
  size_t i = 0;
  for (; i < text.size() && isspace(static_cast<unsigned char>(text[i])); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  if (i == text.size() || text[i] == '{') return std::nullopt;
  size_t end = i + 1;
  if (text[i] == '"') {
    while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
    end = std::min(end + 1, text.size());
  } else if (text[i] != '[') {
    while (end < text.size() && (isalnum(static_cast<unsigned char>(text[end])) ||
                                 text[end] == '.' || text[end] == '-' || text[end] == '+'))
      ++end;
  }
  return std::to_string(line) + ":" + std::to_string(column + (end - i));
}

}  // namespace

bool load_policy(const std::string& policy_path, const RootFs& fs, Policy& policy,
                 std::ostream& err, const SystemdVersion* version) {
  if (version && !version->has_security_policy) {
    // Before 250 there were no policies: no option, no default files.
    if (policy_path.empty()) return true;
    err << "hardnut: systemd " << version->number << " has no --security-policy=\n";
    return false;
  }
  std::string path = policy_path;
  const RootFs* from = &fs;
  std::unique_ptr<RootFs> host;
  if (!path.empty()) {
    host = std::make_unique<RootFs>("/");
    from = host.get();
  } else {
    for (const char* p : kDefaultPolicyPaths) {
      if (fs.kind(p) != RootFs::Kind::kMissing) {
        path = p;
        break;
      }
    }
    if (path.empty()) return true;
  }
  std::string text, error;
  int e = from->read_file(path, text, 16 * 1024 * 1024);
  if (e != 0) {
    err << "Failed to parse '" << path << "' at 0:0: " << std::strerror(e) << "\n";
    return false;
  }
  if (version && version->policy_must_be_object) {
    if (auto at = non_object_end(text)) {
      err << "Failed to parse '" << path << "' at " << *at << ": Invalid argument\n";
      return false;
    }
  }
  if (!parse_policy(text, policy, error)) {
    err << "Failed to parse '" << path << "' at " << error << "\n";
    return false;
  }
  return true;
}

}  // namespace hardnut
