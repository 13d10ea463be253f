#include "capability.h"

#include <strings.h>

#include <cerrno>
#include <cstdlib>

namespace hardnut {

namespace {

bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Strips leading whitespace and a "0b"/"0o" prefix; returns the strtol base.
int take_base(std::string* s) {
  size_t i = 0;
  while (i < s->size() && is_separator((*s)[i])) ++i;
  s->erase(0, i);
  if (s->size() >= 2 && (*s)[0] == '0') {
    char p = (*s)[1];
    if (p == 'b' || p == 'B') {
      s->erase(0, 2);
      return 2;
    }
    if (p == 'o' || p == 'O') {
      s->erase(0, 2);
      return 8;
    }
  }
  return 0;
}

// Index = capability number.
// clang-format off
constexpr const char* kCapabilityNames[kCapLastKnown + 1] = {
    "cap_chown",           "cap_dac_override",       "cap_dac_read_search",
    "cap_fowner",          "cap_fsetid",             "cap_kill",
    "cap_setgid",          "cap_setuid",             "cap_setpcap",
    "cap_linux_immutable", "cap_net_bind_service",   "cap_net_broadcast",
    "cap_net_admin",       "cap_net_raw",            "cap_ipc_lock",
    "cap_ipc_owner",       "cap_sys_module",         "cap_sys_rawio",
    "cap_sys_chroot",      "cap_sys_ptrace",         "cap_sys_pacct",
    "cap_sys_admin",       "cap_sys_boot",           "cap_sys_nice",
    "cap_sys_resource",    "cap_sys_time",           "cap_sys_tty_config",
    "cap_mknod",           "cap_lease",              "cap_audit_write",
    "cap_audit_control",   "cap_setfcap",            "cap_mac_override",
    "cap_mac_admin",       "cap_syslog",             "cap_wake_alarm",
    "cap_block_suspend",   "cap_audit_read",         "cap_perfmon",
    "cap_bpf",             "cap_checkpoint_restore",
};
// clang-format on

}  // namespace

WordResult extract_word(std::string_view* rest, std::string* word, Quotes quotes) {
  std::string_view s = *rest;
  word->clear();
  size_t i = 0;
  while (i < s.size() && is_separator(s[i])) ++i;
  if (i == s.size()) {
    *rest = s.substr(i);
    return WordResult::kEnd;
  }
  char quote = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      if (i + 1 == s.size()) return WordResult::kSyntaxError;
      word->push_back(s[++i]);
    } else if (quote) {
      if (c == quote)
        quote = 0;
      else
        word->push_back(c);
    } else if (quotes == Quotes::kUnquote && (c == '\'' || c == '"')) {
      quote = c;
    } else if (is_separator(c)) {
      break;
    } else {
      word->push_back(c);
    }
  }
  if (quote) return WordResult::kSyntaxError;
  *rest = s.substr(i);
  return WordResult::kWord;
}

std::optional<int64_t> parse_signed(std::string_view text) {
  std::string s(text);
  int base = take_base(&s);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long v = strtoll(s.c_str(), &end, base);
  if (errno != 0 || end == s.c_str() || *end != '\0') return std::nullopt;
  return v;
}

std::optional<uint64_t> parse_unsigned(std::string_view text) {
  std::string s(text);
  int base = take_base(&s);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = strtoull(s.c_str(), &end, base);
  if (errno != 0 || end == s.c_str() || *end != '\0') return std::nullopt;
  if (v != 0 && s[0] == '-') return std::nullopt;
  return v;
}

std::optional<int> capability_from_name(std::string_view name) {
  for (int i = 0; i <= kCapLastKnown; ++i) {
    std::string_view known = kCapabilityNames[i];
    if (known.size() == name.size() && strncasecmp(known.data(), name.data(), name.size()) == 0)
      return i;
  }
  // Numbers are limited to int (systemd uses safe_atoi) and to 0…63.
  std::optional<int64_t> n = parse_signed(name);
  if (!n || *n < 0 || *n > 63) return std::nullopt;
  return static_cast<int>(*n);
}

std::string capability_name(int cap) {
  if (cap < 0 || cap > kCapLastKnown) return "";
  return kCapabilityNames[cap];
}

void apply_capability_assignment(std::string_view value, uint64_t initial, uint64_t& current,
                                 std::vector<std::string>& /*warnings*/) {
  bool invert = false;
  if (!value.empty() && value[0] == '~') {
    invert = true;
    value.remove_prefix(1);
  }
  uint64_t sum = 0;
  std::string word;
  while (extract_word(&value, &word, Quotes::kUnquote) == WordResult::kWord) {
    if (std::optional<int> cap = capability_from_name(word)) sum |= uint64_t{1} << *cap;
  }
  // An empty sum or a still-initial set is replaced; otherwise the line
  // merges into what earlier lines built.
  if (sum == 0 || current == initial)
    current = invert ? ~sum : sum;
  else if (invert)
    current &= ~sum;
  else
    current |= sum;
}

}  // namespace hardnut
