#include "directives/directive_syntax.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "base/values.h"
#include "unit/unit_name.h"

namespace hardnut {

namespace {

using Warnings = std::vector<std::string>;

struct Assignment {
  const SystemdVersion& version;
  std::string_view section;
  const std::string& key;
  const std::string& value;
  const SpecifierContext& specifiers;
  Warnings& warnings;
  Warnings& plain;  // notices systemd prints without "file:line: "
};

// A checker warns as systemd does and returns true when the unit must be
// refused (systemd's -ENOEXEC).
using Checker = bool (*)(const Assignment&);

constexpr char kInvalidSlot[] = "Invalid slot";

// Why systemd rejected a value; newer versions print it ({errno}).
enum class Errno { kInvalid, kRange };

std::string_view errno_text(Errno e) {
  return e == Errno::kRange ? "Numerical result out of range" : "Invalid argument";
}

// Warns with 252's `message` that the value is rejected for `why`, in the
// version's wording when a MessageRewrite with {errno} (or {errno:KIND},
// whose guess `why` overrides) rewords it.
void reject(const Assignment& a, const std::string& message, Errno why) {
  auto fill = [&](std::string_view pattern) {
    std::string out(pattern);
    for (auto [name, text] : {std::pair<std::string_view, std::string_view>{"{key}", a.key},
                              {"{value}", a.value},
                              {"{section}", a.section}})
      for (size_t at = out.find(name); at != std::string::npos;
           at = out.find(name, at + text.size()))
        out.replace(at, name.size(), text);
    return out;
  };
  for (const MessageRewrite& r : a.version.parser_messages) {
    size_t at = r.to.find("{errno");
    if (at == std::string_view::npos || fill(r.from) != message) continue;
    std::string to(r.to);
    to.replace(at, to.find('}', at) + 1 - at, errno_text(why));
    a.warnings.push_back(fill(to));
    return;
  }
  a.warnings.push_back(message);
}

// A value of one of 252's value sets, or one the version adds to `set`
// (SystemdVersion::extra_choices).
bool is_choice(const SystemdVersion& version, std::string_view set, std::string_view value,
               std::initializer_list<std::string_view> choices) {
  for (std::string_view c : choices)
    if (value == c) return true;
  for (const ExtraChoice& x : version.extra_choices)
    if (x.set == set && x.value == value) return true;
  return false;
}

// Why systemd's safe_atou64()-style parsers reject a whole number: a
// negative or too large one is out of range, anything else invalid.
Errno number_errno(std::string_view v) {
  if (v.starts_with("-") || v.starts_with("+")) v.remove_prefix(1);
  bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
  return digits ? Errno::kRange : Errno::kInvalid;
}

// parse_sec() and friends: any negative value is out of range, as is a
// number too large (the only way digits alone fail).
Errno time_errno(std::string_view v) {
  size_t i = v.find_first_not_of(" \t\n");
  if (i != std::string_view::npos && v[i] == '-') return Errno::kRange;
  bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
  return digits ? Errno::kRange : Errno::kInvalid;
}

// Whether a plain number of seconds (or nanoseconds) exceeds systemd's
// 64-bit microseconds (nanoseconds).
bool timespan_overflows(std::string_view v, bool nanoseconds) {
  size_t i = v.find_first_not_of(" \t\n");
  if (i == std::string_view::npos || v.find_first_not_of("0123456789", i) != v.npos) return false;
  v.remove_prefix(std::min(v.size(), v.find_first_not_of('0', i)));
  if (v.size() > 20) return true;
  if (v.empty()) return false;
  long double n = std::stold(std::string(v));
  // Seconds become microseconds below USEC_INFINITY; nanoseconds are read
  // as a signed 64-bit number.
  return nanoseconds ? n > 9223372036854775807.0L : n >= 18446744073709.0L;
}

bool is_valid_time(std::string_view v) {
  return is_valid_timespan(v) && !timespan_overflows(v, false);
}

// parse_size(): a negative number is out of range, as is one too large.
Errno size_errno(std::string_view v) {
  size_t i = v.find_first_not_of(" \t\n");
  if (i == std::string_view::npos) return Errno::kInvalid;
  if (v[i] == '-') ++i;
  return i < v.size() && isdigit(static_cast<unsigned char>(v[i])) ? Errno::kRange
                                                                   : Errno::kInvalid;
}

// ---- Paths ---------------------------------------------------------------

// ReadWritePaths=, ReadOnlyPaths=, ...: [-][+]PATH words.
bool check_namespace_paths(const Assignment& a) {
  auto words = unquoted_words(a.value);
  if (!words) {
    a.warnings.push_back("Failed to extract first word, ignoring: " + a.value);
    return false;
  }
  for (std::string_view w : *words) {
    if (w.starts_with("-")) w.remove_prefix(1);
    if (w.starts_with("+")) w.remove_prefix(1);
    auto path = expand_specifiers(std::string(w), a.specifiers);
    if (!path) {
      a.warnings.push_back("Failed to resolve unit specifiers in " + std::string(w) + ": " +
                           kInvalidSlot);
      continue;
    }
    checked_path(a.key, *path, PathRule::kAbsolute, false, a.warnings);
  }
  return false;
}

// StateDirectory=, RuntimeDirectory=, ...: relative NAME[:NAME] words.
bool check_exec_directories(const Assignment& a) {
  auto words = unquoted_words(a.value);
  if (!words) {
    a.warnings.push_back("Invalid syntax " + a.key + "=" + a.value +
                         ", ignoring: Invalid argument");
    return false;
  }
  for (const std::string& w : *words) {
    if (w.empty()) {
      a.warnings.push_back("Invalid syntax in " + a.key + "=, ignoring: " + w);
      continue;
    }
    size_t colon = w.find(':');
    std::vector<std::string> parts = {w.substr(0, colon)};
    if (colon != std::string::npos) parts.push_back(w.substr(colon + 1));
    for (const auto& part : parts) {
      auto path = expand_specifiers(part, a.specifiers);
      if (!path) {
        a.warnings.push_back("Failed to resolve unit specifiers in \"" + part +
                             "\", ignoring: " + kInvalidSlot);
        break;
      }
      if (!checked_path(a.key, *path, PathRule::kRelative, false, a.warnings)) break;
    }
  }
  return false;
}

// EnvironmentFile=[-]PATH.
bool check_environment_file(const Assignment& a) {
  std::string_view v = a.value;
  if (v.starts_with("-")) v.remove_prefix(1);
  auto path = expand_specifiers(std::string(v), a.specifiers);
  if (!path) {
    a.warnings.push_back("Failed to resolve unit specifiers in '" + std::string(v) +
                         "', ignoring: " + kInvalidSlot);
    return false;
  }
  checked_path(a.key, *path, PathRule::kAbsolute, false, a.warnings);
  return false;
}

// NetworkNamespacePath=, IPCNamespacePath=: one absolute path.
bool check_single_path(const Assignment& a) {
  auto path = expand_specifiers(a.value, a.specifiers);
  if (!path) {
    a.warnings.push_back("Failed to resolve unit specifiers in '" + a.value +
                         "', ignoring: " + kInvalidSlot);
    return false;
  }
  checked_path(a.key, *path, PathRule::kAbsolute, false, a.warnings);
  return false;
}

// TemporaryFileSystem=PATH[:OPTIONS] words.
bool check_temporary_file_systems(const Assignment& a) {
  auto words = unquoted_words(a.value);
  if (!words) {
    a.warnings.push_back("Failed to extract first word, ignoring: " + a.value);
    return false;
  }
  for (const std::string& w : *words) {
    std::string raw = w.substr(0, w.find(':'));
    auto path = expand_specifiers(raw, a.specifiers);
    if (!path) {
      a.warnings.push_back("Failed to resolve unit specifiers in " + raw +
                           ", ignoring: " + kInvalidSlot);
      continue;
    }
    checked_path(a.key, *path, PathRule::kAbsolute, false, a.warnings);
  }
  return false;
}

// Condition/Assert on paths: [|][!]PATH.
bool check_condition_path(const Assignment& a) {
  std::string_view v = a.value;
  if (v.starts_with("|")) v.remove_prefix(1);
  if (v.starts_with("!")) v.remove_prefix(1);
  auto path = expand_specifiers(std::string(v), a.specifiers);
  if (!path) {
    a.warnings.push_back("Failed to resolve unit specifiers in " + std::string(v) +
                         ", ignoring: " + kInvalidSlot);
    return false;
  }
  checked_path(a.key, *path, PathRule::kAbsolute, false, a.warnings);
  return false;
}

// One field of BindPaths=: up to the next unquoted ':' or whitespace, which
// systemd does not coalesce (so "a  b" holds an empty field).
struct Field {
  std::string text;
  char ended_by = 0;  // ':', a whitespace character, or 0 at the end
  bool ok = true;     // false on an open quote
};

Field next_field(std::string_view& rest, bool colon_separates) {
  Field f;
  char quote = 0;
  size_t i = 0;
  for (; i < rest.size(); ++i) {
    char c = rest[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        f.text += c;
    } else if (c == '\\' && i + 1 < rest.size()) {
      f.text += rest[++i];
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if ((colon_separates && c == ':') || c == ' ' || c == '\t' || c == '\n') {
      f.ended_by = c;
      rest.remove_prefix(i + 1);
      return f;
    } else {
      f.text += c;
    }
  }
  f.ok = quote == 0;
  rest = {};
  return f;
}

// Whether BindPaths= accepts `options` (the field after DESTINATION).
void check_bind_options(const Assignment& a, const std::string& options) {
  if (!options.empty() && options != "rbind" && options != "norbind")
    a.warnings.push_back("Invalid option string, ignoring setting: " + options);
}

// One SOURCE or DESTINATION of a bind entry: its specifiers expanded
// (`what` names them as systemd's two messages do), then, for a source,
// the "-" that makes it optional dropped, and an absolute, normalized path
// left. False when the entry is dropped.
bool bind_path_ok(const Assignment& a, std::string_view path, std::string_view what,
                  bool may_be_optional) {
  auto expanded = expand_specifiers(std::string(path), a.specifiers);
  if (!expanded) {
    a.warnings.push_back("Failed to resolve " + std::string(what) + " in \"" + std::string(path) +
                         "\", ignoring: " + kInvalidSlot);
    return false;
  }
  if (may_be_optional && expanded->starts_with('-')) expanded->erase(0, 1);
  return checked_path(a.key, *expanded, PathRule::kAbsolute, false, a.warnings).has_value();
}

// BindPaths= as SystemdVersion::bind_paths_split_words_first reads it: each
// blank-separated word (unquoted, escapes kept) is split at its unescaped
// ':' into at most three fields.
bool check_bind_path_words(const Assignment& a) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < a.value.size(); ++i) {
    char c = a.value[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '\\' && i + 1 < a.value.size()) {
      word += c;
      word += a.value[++i];
      in_word = true;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) {
    a.warnings.push_back("Failed to parse " + a.key + ", ignoring: " + a.value);
    return false;
  }
  if (in_word) words.push_back(std::move(word));
  for (const std::string& w : words) {
    std::vector<std::string> fields(1);
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] == '\\' && i + 1 < w.size())
        fields.back() += w[++i];
      else if (w[i] == ':')
        fields.emplace_back();
      else
        fields.back() += w[i];
    }
    if (fields.size() > 3) {
      a.warnings.push_back("Too many parameters in " + a.key + "=, ignoring: " + w);
      continue;
    }
    if (!bind_path_ok(a, fields[0], "unit specifiers", true)) continue;
    if (fields.size() < 2) continue;
    if (!bind_path_ok(a, fields[1], "specifiers", false)) continue;
    if (fields.size() == 3) check_bind_options(a, fields[2]);
  }
  return false;
}

// BindPaths=, BindReadOnlyPaths=: [-]SOURCE[:DESTINATION[:OPTIONS]] entries.
bool check_bind_paths(const Assignment& a) {
  if (a.version.bind_paths_split_words_first) return check_bind_path_words(a);
  std::string_view rest = a.value;
  auto syntax_error = [&] {
    a.warnings.push_back("Failed to parse " + a.key + ", ignoring: " + a.value);
    return false;
  };
  while (!rest.empty()) {
    Field source = next_field(rest, true);
    if (!source.ok) return syntax_error();
    if (!bind_path_ok(a, source.text, "unit specifiers", true)) continue;
    if (source.ended_by != ':') continue;
    Field destination = next_field(rest, true);
    if (!destination.ok) return syntax_error();
    if (!bind_path_ok(a, destination.text, "specifiers", false)) continue;
    if (destination.ended_by != ':') continue;
    // The options are the next word: blanks before them are skipped.
    rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t\n")));
    Field options = next_field(rest, false);
    if (!options.ok) return syntax_error();
    check_bind_options(a, options.text);
  }
  return false;
}

// ---- Numbers -------------------------------------------------------------

// Why an unsigned number failed: systemd's safe_atou64() says ERANGE for a
// minus sign or an overflow, EINVAL otherwise.
std::string unsigned_error(std::string_view v) {
  size_t i = v.find_first_not_of(" \t\n");
  if (i != std::string_view::npos && v[i] == '-') return "Numerical result out of range";
  bool digits = i != std::string_view::npos && v.find_first_not_of("0123456789", i) == v.npos;
  return digits ? "Numerical result out of range" : "Invalid argument";
}

// systemd's parse_permyriad(): "N%", "N.N%", "N‰", "N‱"; at most 100%.
std::optional<uint64_t> parse_permyriad(std::string_view v) {
  struct Unit {
    std::string_view suffix;
    uint64_t per_unit;  // permyriad per whole unit
    int max_decimals;
  };
  static const Unit kUnits[] = {{"%", 100, 2}, {"\xe2\x80\xb0", 10, 1}, {"\xe2\x80\xb1", 1, 0}};
  for (const Unit& u : kUnits) {
    if (v.size() <= u.suffix.size() || v.substr(v.size() - u.suffix.size()) != u.suffix) continue;
    std::string_view number = v.substr(0, v.size() - u.suffix.size());
    size_t dot = number.find('.');
    std::string_view whole = number.substr(0, dot);
    std::string_view fraction = dot == number.npos ? "" : number.substr(dot + 1);
    if (whole.empty() || whole.find_first_not_of("0123456789") != whole.npos) return std::nullopt;
    if (dot != number.npos &&
        (fraction.empty() || static_cast<int>(fraction.size()) > u.max_decimals ||
         fraction.find_first_not_of("0123456789") != fraction.npos))
      return std::nullopt;
    if (whole.size() > 6) return std::nullopt;
    uint64_t value = std::stoull(std::string(whole)) * u.per_unit;
    uint64_t scale = u.per_unit;
    for (char c : fraction) {
      scale /= 10;
      value += static_cast<uint64_t>(c - '0') * scale;
    }
    if (value > 10000) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

// systemd's parse_size() with base 1024: "1G", "1.5 M", "1G 512M".
std::optional<uint64_t> parse_size(std::string_view v) {
  static const std::map<char, int> kShift = {{'B', 0},  {'K', 10}, {'M', 20}, {'G', 30},
                                             {'T', 40}, {'P', 50}, {'E', 60}};
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  size_t i = 0;
  long double total = 0;
  bool any = false;
  while (true) {
    while (i < v.size() && is_space(v[i])) ++i;
    if (i == v.size()) break;
    if (v[i] == '-') return std::nullopt;
    size_t start = i;
    while (i < v.size() && isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i == start) return std::nullopt;
    long double number = std::stold(std::string(v.substr(start, i - start)));
    if (i < v.size() && v[i] == '.') {
      size_t frac = ++i;
      while (i < v.size() && isdigit(static_cast<unsigned char>(v[i]))) ++i;
      if (i == frac) return std::nullopt;
      number += std::stold("0." + std::string(v.substr(frac, i - frac)));
    }
    while (i < v.size() && is_space(v[i])) ++i;
    int shift = 0;
    if (i < v.size() && kShift.count(v[i]))
      shift = kShift.at(v[i++]);
    else if (i < v.size() && !isdigit(static_cast<unsigned char>(v[i])))
      return std::nullopt;
    total += number * static_cast<long double>(uint64_t{1} << shift);
    if (total > 18446744073709551615.0L) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  if (total == 18446744073709551615.0L) return UINT64_MAX;
  return static_cast<uint64_t>(total);
}

bool check_tasks_max(const Assignment& a) {
  if (a.value.empty() || a.value == "infinity" || parse_permyriad(a.value)) return false;
  auto n = parse_unsigned(a.value);
  if (!n || a.value.find('-') != std::string::npos)
    a.warnings.push_back("Invalid maximum tasks value '" + a.value +
                         "', ignoring: " + unsigned_error(a.value));
  else if (*n == 0 || *n == UINT64_MAX)
    a.warnings.push_back("Maximum tasks value '" + a.value + "' out of range, ignoring.");
  return false;
}

bool check_nice(const Assignment& a) {
  if (a.value.empty()) return false;
  auto n = parse_signed(a.value);
  if (!n) {
    bool overflow = a.value.find_first_not_of("+-0123456789") == std::string::npos;
    if (overflow)
      a.warnings.push_back("Nice priority out of range, ignoring: " + a.value);
    else
      a.warnings.push_back("Failed to parse nice priority '" + a.value +
                           "', ignoring: Invalid argument");
  } else if (*n < -20 || *n > 19) {
    a.warnings.push_back("Nice priority out of range, ignoring: " + a.value);
  }
  return false;
}

bool check_memory_limit(const Assignment& a) {
  if (a.value.empty() || a.value == "infinity") return false;
  std::optional<uint64_t> bytes;
  if (auto permyriad = parse_permyriad(a.value)) {
    bytes = *permyriad;  // only its zero-ness matters here
  } else if (!(bytes = parse_size(a.value))) {
    a.warnings.push_back("Invalid memory limit '" + a.value + "', ignoring: Invalid argument");
    return false;
  }
  // The protective limits may be zero; the others must leave some memory.
  bool zero_allowed =
      a.key.ends_with("MemoryMin") || a.key.ends_with("MemoryLow") || a.key.ends_with("SwapMax");
  if ((*bytes == 0 && !zero_allowed) || *bytes == UINT64_MAX)
    a.warnings.push_back("Memory limit '" + a.value + "' out of range, ignoring.");
  return false;
}

bool check_cpu_quota(const Assignment& a) {
  if (a.value.empty()) return false;
  // Unbounded: 200% is two CPUs.
  std::string_view v = a.value;
  bool ok = false;
  if (v.size() > 1 && v.back() == '%') {
    std::string_view number = v.substr(0, v.size() - 1);
    size_t dot = number.find('.');
    std::string_view whole = number.substr(0, dot);
    std::string_view fraction = dot == number.npos ? "" : number.substr(dot + 1);
    ok = !whole.empty() && whole.find_first_not_of("0123456789") == whole.npos &&
         fraction.size() <= 2 && fraction.find_first_not_of("0123456789") == fraction.npos &&
         (dot == number.npos || !fraction.empty()) && number.find_first_not_of("0.") != number.npos;
  }
  if (!ok) a.warnings.push_back("Invalid CPU quota '" + a.value + "', ignoring.");
  return false;
}

// LimitNOFILE= and friends: VALUE or SOFT:HARD, each a number, "infinity",
// a size, a time span or a nice level depending on the resource.
bool check_rlimit(const Assignment& a) {
  Errno why = Errno::kInvalid;  // of the first limit that fails
  auto parse_one = [&](std::string_view v) -> std::optional<uint64_t> {
    if (v == "infinity") return UINT64_MAX;
    static const std::set<std::string, std::less<>> kSizes = {
        "LimitAS",  "LimitCORE",  "LimitDATA",    "LimitFSIZE",
        "LimitRSS", "LimitSTACK", "LimitMEMLOCK", "LimitMSGQUEUE"};
    if (kSizes.count(a.key)) {
      auto n = parse_size(v);
      if (!n) why = size_errno(v);
      return n;
    }
    if (a.key == "LimitCPU" || a.key == "LimitRTTIME") {
      if (!is_valid_time(v)) {
        why = time_errno(v);
        return std::nullopt;
      }
      return 0;  // ordering of time limits is not checked
    }
    if (a.key == "LimitNICE") {
      why = number_errno(v);
      if (v.starts_with("+") || v.starts_with("-")) {
        auto n = parse_signed(v);
        if (!n || *n < -20 || *n > 19) return std::nullopt;
        return static_cast<uint64_t>(20 - *n);
      }
      auto n = parse_unsigned(v);
      if (!n || *n > 40) return std::nullopt;
      return n;
    }
    why = number_errno(v);
    if (v.starts_with("-")) {  // "-0" is 0, any other negative out of range
      auto n = parse_unsigned(v.substr(1));
      return n && *n == 0 ? n : std::nullopt;
    }
    return parse_unsigned(v);
  };
  std::string_view v = a.value;
  size_t colon = v.find(':');
  auto soft = parse_one(v.substr(0, colon));
  auto hard = soft && colon != v.npos ? parse_one(v.substr(colon + 1)) : soft;
  if (!soft || !hard)
    reject(a, "Failed to parse resource value, ignoring: " + a.value, why);
  else if (*soft > *hard)
    a.warnings.push_back("Soft resource limit chosen higher than hard limit, ignoring: " + a.value);
  return false;
}

// Whether `name` is an errno name ("EPERM", any case), as the C library
// knows them, plus the aliases that share a number with another name.
bool errno_from_name(const std::string& name) {
  static const std::set<std::string> names = [] {
    std::set<std::string> n = {"EWOULDBLOCK", "EDEADLOCK", "ENOTSUP"};
    for (int e = 1; e < 4096; ++e)
      if (const char* s = strerrorname_np(e)) n.insert(s);
    return n;
  }();
  std::string upper;
  for (char c : name) upper += static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return names.count(upper) > 0;
}

// SystemCallErrorNumber=: an errno name or number, or "kill".
bool check_errno(const Assignment& a) {
  if (a.value.empty() || a.value == "kill") return false;
  if (auto n = parse_unsigned(a.value); n && a.value.find('-') == std::string::npos) {
    if (*n == 0)
      a.warnings.push_back("Invalid error number, ignoring: " + a.value);
    else if (*n > 4095)
      a.warnings.push_back("Failed to parse error number, ignoring: " + a.value);
    return false;
  }
  if (!errno_from_name(a.value))
    a.warnings.push_back("Failed to parse error number, ignoring: " + a.value);
  return false;
}

// ---- Words and choices ---------------------------------------------------

bool is_valid_environment_assignment(const std::string& s) {
  size_t eq = s.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  if (isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 0; i < eq; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!isalnum(c) && c != '_') return false;
  }
  for (size_t i = eq + 1; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < ' ' && c != '\t' && c != '\n') return false;
  }
  return true;
}

bool check_environment(const Assignment& a) {
  auto words = unquoted_words(a.value);
  if (!words) {
    a.warnings.push_back("Invalid syntax, ignoring: " + a.value);
    return false;
  }
  for (const auto& w : *words) {
    auto expanded = expand_specifiers(w, a.specifiers);
    if (!expanded)
      a.warnings.push_back("Failed to resolve specifiers in " + w + ", ignoring: " + kInvalidSlot);
    else if (!is_valid_environment_assignment(*expanded))
      a.warnings.push_back("Invalid environment assignment, ignoring: " + *expanded);
  }
  return false;
}

// file:PATH and friends of StandardInput=/StandardOutput=/StandardError=.
// systemd words a bad path like a fatal error but goes on loading the unit.
bool check_stdio_file(const Assignment& a, std::string_view raw) {
  auto path = expand_specifiers(std::string(raw), a.specifiers);
  if (!path) {
    a.warnings.push_back("Failed to resolve unit specifiers in " + std::string(raw) +
                         ", ignoring: " + kInvalidSlot);
    return false;
  }
  checked_path(a.key, *path, PathRule::kAbsolute, true, a.warnings);
  return false;
}

bool check_fd_name(const Assignment& a, std::string_view name) {
  bool ok = name.size() <= 255;
  for (unsigned char c : name)
    if (c < ' ' || c >= 127 || c == ':') ok = false;
  if (!ok) a.warnings.push_back("Invalid file descriptor name, ignoring: " + std::string(name));
  return false;
}

bool check_stdio(const Assignment& a, std::initializer_list<std::string_view> choices,
                 const char* what) {
  const std::string& v = a.value;
  for (std::string_view choice : choices)
    if (v == choice) return false;
  for (std::string_view file_kind : {"file:", "append:", "truncate:"})
    if (v.starts_with(file_kind) && (file_kind == "file:" || a.key != "StandardInput"))
      return check_stdio_file(a, std::string_view(v).substr(file_kind.size()));
  if (v.starts_with("fd:")) return check_fd_name(a, std::string_view(v).substr(3));
  if (a.key != "StandardInput" && (v == "syslog" || v == "syslog+console")) {
    // systemd says "output" for StandardError= too.
    a.warnings.push_back("Standard output type " + v + " is obsolete, automatically updating to " +
                         (v == "syslog" ? "journal" : "journal+console") +
                         ". Please update your unit file, and consider removing the setting "
                         "altogether.");
    return false;
  }
  a.warnings.push_back(std::string("Failed to parse ") + what + " specifier, ignoring: " + v);
  return false;
}

bool check_standard_output(const Assignment& a) {
  return check_stdio(
      a, {"inherit", "null", "tty", "journal", "kmsg", "journal+console", "kmsg+console", "socket"},
      "output");
}

bool check_standard_input(const Assignment& a) {
  return check_stdio(a, {"null", "tty", "tty-force", "tty-fail", "socket", "data"}, "input");
}

bool check_oom_policy(const Assignment& a) {
  if (a.value != "continue" && a.value != "stop" && a.value != "kill")
    a.warnings.push_back("Failed to parse OOM policy, ignoring: " + a.value);
  return false;
}

bool check_slice(const Assignment& a) {
  auto name = expand_specifiers(a.value, a.specifiers);
  if (!name) {
    a.warnings.push_back("Failed to resolve unit specifiers in " + a.value +
                         ", ignoring: " + kInvalidSlot);
    return false;
  }
  auto parsed = parse_unit_name(*name);
  if (!parsed)
    a.warnings.push_back("Failed to load slice unit " + *name + ", ignoring: Unit name " + *name +
                         " is not valid.");
  else if (parsed->type != "slice")
    a.warnings.push_back("Failed to assign slice " + *name + " to unit " +
                         a.specifiers.name.full() + ", ignoring: Invalid argument");
  return false;
}

// Time-outs that name themselves in the message: TimeoutSec= and
// TimeoutStartSec= of services, JobTimeoutSec= and JobRunningTimeoutSec=.
bool check_named_timeout(const Assignment& a) {
  if (!is_valid_time(a.value))
    a.warnings.push_back("Failed to parse " + a.key + "= parameter, ignoring: " + a.value);
  return false;
}

bool check_time_value(const Assignment& a) {
  if (!is_valid_time(a.value))
    reject(a, "Failed to parse time value, ignoring: " + a.value, time_errno(a.value));
  return false;
}

bool check_timeout_abort(const Assignment& a) {
  if (!a.value.empty() && !is_valid_time(a.value))
    a.warnings.push_back("Failed to parse " + a.key + "= setting, ignoring: " + a.value);
  return false;
}

// ---- Enumerations and small numbers ----------------------------------------

bool one_of(const std::string& v, std::initializer_list<std::string_view> choices) {
  for (std::string_view c : choices)
    if (v == c) return true;
  return false;
}

// A whole number from `low` to `high`, with an optional "+".
bool in_range(std::string_view v, int64_t low, int64_t high) {
  if (v.starts_with("+")) v.remove_prefix(1);
  if (v.find_first_not_of("0123456789") != std::string::npos || v.empty()) return false;
  auto n = parse_signed(v);
  return n && *n >= low && *n <= high;
}

void warn_unless(bool ok, const Assignment& a, const std::string& what) {
  if (!ok) a.warnings.push_back("Failed to parse " + what + ", ignoring: " + a.value);
}

bool check_log_level(const Assignment& a) {
  warn_unless(
      one_of(a.value, {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}) ||
          in_range(a.value, 0, 7),
      a, "log level");
  return false;
}

bool check_log_facility(const Assignment& a) {
  warn_unless(
      one_of(a.value, {"kern",   "user",   "mail",   "daemon",   "auth",   "syslog", "lpr",
                       "news",   "uucp",   "cron",   "authpriv", "ftp",    "local0", "local1",
                       "local2", "local3", "local4", "local5",   "local6", "local7"}) ||
          in_range(a.value, 0, 127),
      a, "log facility");
  return false;
}

// Upper-case names with or without "SIG", RTMIN+n / RTMAX-n, or 1..64.
bool check_signal(const Assignment& a) {
  std::string_view v = a.value;
  if (v.starts_with("SIG")) v.remove_prefix(3);
  // The names of signals 1..31 as systemd spells them (SIGIO, not SIGPOLL).
  static constexpr std::string_view kNames[] = {
      "HUP",  "INT",  "QUIT", "ILL",    "TRAP",   "ABRT",  "BUS",  "FPE",  "KILL", "USR1", "SEGV",
      "USR2", "PIPE", "ALRM", "TERM",   "STKFLT", "CHLD",  "CONT", "STOP", "TSTP", "TTIN", "TTOU",
      "URG",  "XCPU", "XFSZ", "VTALRM", "PROF",   "WINCH", "IO",   "PWR",  "SYS"};
  bool ok = in_range(a.value, 1, 64);
  for (std::string_view name : kNames)
    if (v == name) ok = true;
  // Newer versions say why: a number (or RTMIN+n, RTMAX-n) out of range,
  // anything else invalid.
  Errno why = Errno::kInvalid;
  if (!ok) {
    std::string_view number = a.value;
    if (v.starts_with("RTMIN+") || v.starts_with("RTMAX-")) number = v.substr(6);
    if (number.starts_with("-") || number.starts_with("+")) number.remove_prefix(1);
    if (!number.empty() && number.size() <= 10 &&
        number.find_first_not_of("0123456789") == std::string_view::npos &&
        std::stoll(std::string(number)) <= 2147483647)  // else not an int at all
      why = Errno::kRange;
  }
  for (std::string_view rt : {"RTMIN", "RTMAX"})
    if (!ok && v.starts_with(rt)) {
      std::string_view rest = v.substr(rt.size());
      ok = rest.empty() ||
           ((rest[0] == (rt == "RTMIN" ? '+' : '-')) && in_range(rest.substr(1), 0, 30));
    }
  if (!ok) reject(a, "Failed to parse signal name, ignoring: " + a.value, why);
  return false;
}

bool check_io_class(const Assignment& a) {
  warn_unless(one_of(a.value, {"none", "realtime", "best-effort", "idle"}) ||
                  in_range(a.value, 0, a.version.max_io_class_number),
              a, "IO scheduling class");
  return false;
}

bool check_io_priority(const Assignment& a) {
  warn_unless(in_range(a.value, 0, 7), a, "IO priority");
  return false;
}

bool check_cpu_sched_policy(const Assignment& a) {
  if (is_choice(a.version, "CPU scheduling policy", a.value,
                {"other", "batch", "idle", "fifo", "rr"}))
    return false;
  // Or the policy's number.
  if (!in_range(a.value, 0, 2147483647)) {
    warn_unless(false, a, "CPU scheduling policy");
    return false;
  }
  const auto& known = a.version.cpu_sched_policy_numbers;
  auto number = static_cast<unsigned>(
      *parse_signed(std::string_view(a.value).substr(a.value.starts_with("+") ? 1 : 0)));
  if (!known.empty() && std::find(known.begin(), known.end(), number) == known.end())
    a.warnings.push_back("Unsupported CPU scheduling policy: " + std::to_string(number));
  return false;
}

bool check_cpu_sched_priority(const Assignment& a) {
  if (!parse_signed(a.value) || a.value.empty())
    a.warnings.push_back("Failed to parse CPU scheduling priority, ignoring: " + a.value);
  else if (!in_range(a.value, 0, 99))
    a.warnings.push_back("CPU scheduling priority is out of range, ignoring: " + a.value);
  return false;
}

bool check_oom_score_adjust(const Assignment& a) {
  auto n = parse_signed(a.value);
  if (!n)
    a.warnings.push_back("Failed to parse the OOM score adjust value '" + a.value +
                         "', ignoring: Invalid argument");
  else if (*n < -1000 || *n > 1000)
    a.warnings.push_back("OOM score adjust value out of range, ignoring: " + a.value);
  return false;
}

// systemd accepts the personalities of the machine's own architecture and
// of the one it can run besides (x86-64 and x86).
bool check_personality(const Assignment& a) {
#if defined(__x86_64__) || defined(__i386__)
  bool ok = one_of(a.value, {"x86", "x86-64"});
#elif defined(__aarch64__) || defined(__arm__)
  bool ok = one_of(a.value, {"arm64", "arm"});
#elif defined(__powerpc64__)
  bool ok = one_of(a.value, {"ppc64", "ppc64-le", "ppc", "ppc-le"});
#elif defined(__s390x__) || defined(__s390__)
  bool ok = one_of(a.value, {"s390x", "s390"});
#elif defined(__riscv)
  bool ok = one_of(a.value, {"riscv64", "riscv32"});
#else
  bool ok = one_of(a.value, {"x86", "x86-64", "arm64", "arm", "ppc", "ppc-le", "ppc64", "ppc64-le",
                             "s390", "s390x", "riscv32", "riscv64"});
#endif
  warn_unless(ok, a, "personality");
  return false;
}

bool check_cpu_weight(const Assignment& a) {
  if (a.value != "idle" && !in_range(a.value, 1, 10000))
    reject(a, "Invalid CPU weight, ignoring: " + a.value, number_errno(a.value));
  return false;
}

bool check_weight(const Assignment& a) {
  if (!in_range(a.value, 1, 10000))
    reject(a, "Invalid weight, ignoring: " + a.value, number_errno(a.value));
  return false;
}

// Replaced cgroup v1 settings: systemd names the successor, then parses.
bool check_cpu_shares(const Assignment& a) {
  a.warnings.push_back("Unit uses " + a.key + "=; please use CPUWeight= instead. Support for " +
                       a.key + "= will be removed soon.");
  if (!a.value.empty() && !in_range(a.value, 2, 262144))
    reject(a, "Invalid CPU shares, ignoring: " + a.value, number_errno(a.value));
  return false;
}

bool check_block_io_weight(const Assignment& a) {
  if (!a.value.empty() && !in_range(a.value, 10, 1000))
    reject(a, "Invalid block IO weight, ignoring: " + a.value, number_errno(a.value));
  return false;
}

bool check_block_io_device(const Assignment& a) {
  a.warnings.push_back("Unit uses " + a.key + "=; please use IO*= settings instead. Support for " +
                       a.key + "= will be removed soon.");
  if (a.key == "BlockIODeviceWeight" && !a.value.empty()) {
    // The device, blanks, then the weight (the rest).
    size_t end = std::min(a.value.size(), a.value.find_first_of(" \t\n"));
    size_t weight_at = std::min(a.value.size(), a.value.find_first_not_of(" \t\n", end));
    std::string weight = a.value.substr(weight_at);
    if (weight.empty())
      a.warnings.push_back("Invalid device node or weight specified in '" + a.value +
                           "', ignoring.");
    else if (!in_range(weight, 10, 1000))
      a.warnings.push_back("Invalid block IO weight '" + weight +
                           "', ignoring: " + std::string(errno_text(number_errno(weight))));
  }
  return false;
}

// The notice comes only once the value parsed.
bool check_memory_limit_deprecated(const Assignment& a) {
  size_t before = a.warnings.size();
  check_memory_limit(a);
  if (a.warnings.size() == before)
    a.warnings.push_back(
        "Unit uses MemoryLimit=; please use MemoryMax= instead. Support for MemoryLimit= will be "
        "removed soon.");
  return false;
}

bool check_nsec(const Assignment& a) {
  // Nanoseconds are a unit here, the default one.
  std::string v;
  for (size_t i = 0; i < a.value.size();) {
    size_t end = std::min(a.value.size(), a.value.find_first_of("0123456789. \t\n", i));
    if (end == i) {
      v += a.value[i++];
      continue;
    }
    std::string_view unit(a.value.data() + i, end - i);
    v += unit == "ns" || unit == "nsec" ? "us" : std::string(unit);
    i = end;
  }
  if (!is_valid_timespan(v) || timespan_overflows(v, true))
    reject(a, "Failed to parse nsec value, ignoring: " + a.value, time_errno(a.value));
  return false;
}

bool check_on_failure_isolate(const Assignment& a) {
  if (!parse_boolean(a.value))
    a.warnings.push_back("Failed to parse boolean, ignoring: " + a.value);
  else
    a.plain.push_back("OnFailureIsolate is deprecated. Please use OnFailureJobMode= instead");
  return false;
}

bool check_requires_mounts_for(const Assignment& a) {
  auto words = unquoted_words(a.value);
  if (!words) {
    a.warnings.push_back("Invalid syntax, ignoring: " + a.value);
    return false;
  }
  for (const auto& w : *words) {
    auto path = expand_specifiers(w, a.specifiers);
    if (!path) {
      a.warnings.push_back("Failed to resolve unit specifiers in '" + w +
                           "', ignoring: " + kInvalidSlot);
      continue;
    }
    checked_path(a.key, *path, PathRule::kAbsolute, false, a.warnings);
  }
  return false;
}

bool check_description(const Assignment& a) {
  if (!expand_specifiers(a.value, a.specifiers))
    a.warnings.push_back("Failed to resolve unit specifiers in '" + a.value +
                         "', ignoring: " + kInvalidSlot);
  return false;
}

bool check_job_mode(const Assignment& a) {
  warn_unless(is_choice(a.version, "job mode", a.value,
                        {"fail", "replace", "replace-irreversibly", "isolate", "flush",
                         "ignore-dependencies", "ignore-requirements", "triggering"}),
              a, "job mode");
  return false;
}

bool check_emergency_action(const Assignment& a) {
  if (!is_emergency_action(a.version, a.value))
    a.warnings.push_back("Failed to parse " + a.key + "=, ignoring: " + a.value);
  return false;
}

// Settings 252 does not know; their versions word rejections the new way.
void reject_new_setting(const Assignment& a) {
  a.warnings.push_back("Failed to parse " + a.key + "=" + a.value + ", ignoring: Invalid argument");
}

bool check_restart_mode(const Assignment& a) {
  if (!one_of(a.value, {"normal", "direct", "debug"})) reject_new_setting(a);
  return false;
}

bool check_memory_pressure_watch(const Assignment& a) {
  if (!one_of(a.value, {"auto", "skip"}) && !parse_boolean(a.value)) reject_new_setting(a);
  return false;
}

// ---- The table -----------------------------------------------------------

// Checkers by key, for every section that has the key.
const std::map<std::string, Checker, std::less<>>& checkers_by_key() {
  static const auto* table = [] {
    auto* t = new std::map<std::string, Checker, std::less<>>{
        {"ReadWritePaths", check_namespace_paths},
        {"ReadOnlyPaths", check_namespace_paths},
        {"InaccessiblePaths", check_namespace_paths},
        {"ExecPaths", check_namespace_paths},
        {"NoExecPaths", check_namespace_paths},
        {"StateDirectory", check_exec_directories},
        {"RuntimeDirectory", check_exec_directories},
        {"CacheDirectory", check_exec_directories},
        {"LogsDirectory", check_exec_directories},
        {"ConfigurationDirectory", check_exec_directories},
        {"EnvironmentFile", check_environment_file},
        {"NetworkNamespacePath", check_single_path},
        {"IPCNamespacePath", check_single_path},
        {"TemporaryFileSystem", check_temporary_file_systems},
        {"BindPaths", check_bind_paths},
        {"BindReadOnlyPaths", check_bind_paths},
        {"TasksMax", check_tasks_max},
        {"Nice", check_nice},
        {"MemoryMin", check_memory_limit},
        {"MemoryLow", check_memory_limit},
        {"MemoryHigh", check_memory_limit},
        {"MemoryMax", check_memory_limit},
        {"MemorySwapMax", check_memory_limit},
        // 257+ (unknown keys to 252).
        {"MemoryZSwapMax", check_memory_limit},
        {"StartupMemoryLow", check_memory_limit},
        {"StartupMemoryHigh", check_memory_limit},
        {"StartupMemoryMax", check_memory_limit},
        {"StartupMemorySwapMax", check_memory_limit},
        {"StartupMemoryZSwapMax", check_memory_limit},
        {"DefaultStartupMemoryLow", check_memory_limit},
        {"ReloadSignal", check_signal},
        {"RestartMode", check_restart_mode},
        {"MemoryPressureWatch", check_memory_pressure_watch},
        {"CPUQuota", check_cpu_quota},
        {"SystemCallErrorNumber", check_errno},
        {"Environment", check_environment},
        {"StandardInput", check_standard_input},
        {"StandardOutput", check_standard_output},
        {"StandardError", check_standard_output},
        {"OOMPolicy", check_oom_policy},
        {"Slice", check_slice},
        {"SyslogLevel", check_log_level},
        {"LogLevelMax", check_log_level},
        {"SyslogFacility", check_log_facility},
        {"KillSignal", check_signal},
        {"RestartKillSignal", check_signal},
        {"FinalKillSignal", check_signal},
        {"WatchdogSignal", check_signal},
        {"IOSchedulingClass", check_io_class},
        {"IOSchedulingPriority", check_io_priority},
        {"CPUSchedulingPolicy", check_cpu_sched_policy},
        {"CPUSchedulingPriority", check_cpu_sched_priority},
        {"OOMScoreAdjust", check_oom_score_adjust},
        {"Personality", check_personality},
        {"CPUWeight", check_cpu_weight},
        {"StartupCPUWeight", check_cpu_weight},
        {"IOWeight", check_weight},
        {"StartupIOWeight", check_weight},
        {"CPUShares", check_cpu_shares},
        {"StartupCPUShares", check_cpu_shares},
        {"BlockIOWeight", check_block_io_weight},
        {"StartupBlockIOWeight", check_block_io_weight},
        {"BlockIODeviceWeight", check_block_io_device},
        {"BlockIOReadBandwidth", check_block_io_device},
        {"BlockIOWriteBandwidth", check_block_io_device},
        {"MemoryLimit", check_memory_limit_deprecated},
        {"TimerSlackNSec", check_nsec},
        {"OnFailureIsolate", check_on_failure_isolate},
        {"JobTimeoutSec", check_named_timeout},
        {"JobRunningTimeoutSec", check_named_timeout},
        {"RequiresMountsFor", check_requires_mounts_for},
        {"Description", check_description},
        {"OnFailureJobMode", check_job_mode},
        {"OnSuccessJobMode", check_job_mode},
        {"FailureAction", check_emergency_action},
        {"StartLimitAction", check_emergency_action},
        {"JobTimeoutAction", check_emergency_action},
    };
    for (const char* limit :
         {"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NOFILE", "AS", "NPROC", "MEMLOCK",
          "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"})
      (*t)[std::string("Limit") + limit] = check_rlimit;
    for (const char* kind : {"Condition", "Assert"})
      for (const char* what :
           {"PathExists", "PathExistsGlob", "PathIsDirectory", "PathIsSymbolicLink",
            "PathIsMountPoint", "PathIsReadWrite", "PathIsEncrypted", "DirectoryNotEmpty",
            "FileNotEmpty", "FileIsExecutable", "NeedsUpdate"})
        (*t)[std::string(kind) + what] = check_condition_path;
    return t;
  }();
  return *table;
}

// Keys whose parser differs by section.
const std::map<std::string, Checker, std::less<>>& service_checkers() {
  static const std::map<std::string, Checker, std::less<>> table = {
      {"TimeoutSec", check_named_timeout},
      {"TimeoutStartSec", check_named_timeout},
      {"TimeoutStopSec", check_time_value},
      {"TimeoutAbortSec", check_timeout_abort},
  };
  return table;
}

}  // namespace

bool is_emergency_action(const SystemdVersion& version, const std::string& value) {
  return is_choice(version, "emergency action", value,
                   {"none", "reboot", "reboot-force", "reboot-immediate", "poweroff",
                    "poweroff-force", "poweroff-immediate", "exit", "exit-force"});
}

std::optional<std::string> removed_option_message(std::string_view section,
                                                  const std::string& key) {
  static const std::set<std::pair<std::string_view, std::string_view>> kRemoved = {
      {"Unit", "IgnoreOnSnapshot"}, {"Service", "SysVStartPriority"}, {"Mount", "FsckPassNo"}};
  if (!kRemoved.count({section, key})) return std::nullopt;
  return "Support for option " + key + "= has been removed and it is ignored";
}

std::optional<std::string> checked_path(const std::string& key, const std::string& path,
                                        PathRule rule, bool fatal, Warnings& warnings) {
  const std::string suffix = fatal ? "" : ", ignoring";
  bool absolute = is_absolute_path(path);
  if (rule == PathRule::kAbsolute && !absolute) {
    warnings.push_back(key + "= path is not absolute" + suffix + ": " + path);
    return std::nullopt;
  }
  if (rule == PathRule::kRelative && absolute) {
    warnings.push_back(key + "= path is absolute" + suffix + ": " + path);
    return std::nullopt;
  }
  std::string simplified = simplify_path(path);
  bool valid_length = !simplified.empty() && simplified.size() < 4096;
  for (size_t start = 0; valid_length && start < simplified.size();) {
    size_t end = simplified.find('/', start);
    if (end == std::string::npos) end = simplified.size();
    if (end - start > 255) valid_length = false;
    start = end + 1;
  }
  if (!valid_length) {
    warnings.push_back(key + "= path has invalid length (" + std::to_string(simplified.size()) +
                       " bytes)" + suffix + ".");
    return std::nullopt;
  }
  if (has_dotdot(simplified)) {
    warnings.push_back(key + "= path is not normalized" + suffix + ": " + simplified);
    return std::nullopt;
  }
  return simplified;
}

bool check_value_syntax(const SystemdVersion& version, std::string_view section,
                        const std::string& key, std::string_view type, const std::string& value,
                        const SpecifierContext& specifiers, Warnings& warnings, Warnings& plain) {
  Assignment a{version, section, key, value, specifiers, warnings, plain};
  if (section == "Service")
    if (auto it = service_checkers().find(key); it != service_checkers().end())
      return it->second(a);
  if ((section == "Socket" || section == "Mount" || section == "Swap") && key == "TimeoutSec")
    return check_time_value(a);
  if (auto it = checkers_by_key().find(key); it != checkers_by_key().end()) {
    // An empty value resets these lists and settings, silently; the
    // others parse it (and fail).
    static const std::set<Checker> kEmptyFails = {check_rlimit,
                                                  check_oom_policy,
                                                  check_standard_output,
                                                  check_slice,
                                                  check_standard_input,
                                                  check_log_level,
                                                  check_log_facility,
                                                  check_signal,
                                                  check_cpu_sched_priority,
                                                  check_cpu_shares,
                                                  check_block_io_device,
                                                  check_memory_limit_deprecated,
                                                  check_nsec,
                                                  check_on_failure_isolate,
                                                  check_named_timeout,
                                                  check_emergency_action,
                                                  check_job_mode,
                                                  check_restart_mode,
                                                  check_memory_pressure_watch};
    bool empty_resets = !kEmptyFails.count(it->second);
    if (value.empty() && empty_resets) return false;
    return it->second(a);
  }
  // MODE also types OnFailureJobMode= and friends, which are not file modes.
  if (type == "MODE" && key.find("JobMode") == std::string::npos) {
    if (!parse_mode(value)) warnings.push_back("Failed to parse mode value, ignoring: " + value);
  } else if (type == "BOOLEAN") {
    if (!parse_boolean(value))
      warnings.push_back("Failed to parse boolean value, ignoring: " + value);
  } else if (type == "SECONDS") {
    if (!is_valid_time(value))
      reject(a, "Failed to parse sec value, ignoring: " + value, time_errno(value));
  } else if (type == "UNSIGNED") {
    if (!parse_unsigned(value))
      warnings.push_back("Failed to parse unsigned value, ignoring: " + value);
  }
  return false;
}

}  // namespace hardnut
