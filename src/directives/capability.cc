#include "directives/capability.h"

#include <strings.h>

#include <cerrno>
#include <cstdlib>

#include "base/values.h"

namespace hardnut {

namespace {

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

std::optional<int> capability_from_name(std::string_view name, int max_number) {
  for (int i = 0; i <= kCapLastKnown; ++i) {
    std::string_view known = kCapabilityNames[i];
    if (known.size() == name.size() && strncasecmp(known.data(), name.data(), name.size()) == 0)
      return i;
  }
  // Numbers are limited to int (systemd uses safe_atoi) and to 0…max_number.
  std::optional<int64_t> n = parse_signed(name);
  if (!n || *n < 0 || *n > max_number) return std::nullopt;
  return static_cast<int>(*n);
}

std::string capability_name(int cap) {
  if (cap < 0 || cap > kCapLastKnown) return "";
  return kCapabilityNames[cap];
}

void apply_capability_assignment(std::string_view value, uint64_t initial, uint64_t& current,
                                 std::vector<std::string>& /*warnings*/, int max_number) {
  bool invert = false;
  if (!value.empty() && value[0] == '~') {
    invert = true;
    value.remove_prefix(1);
  }
  uint64_t sum = 0;
  std::string word;
  while (extract_word(&value, &word, Quotes::kUnquote) == WordResult::kWord) {
    if (std::optional<int> cap = capability_from_name(word, max_number)) sum |= uint64_t{1} << *cap;
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
