// System call groups (from a `systemd-analyze syscall-filter` listing) and
// the SystemCallFilter=/SystemCallArchitectures= value syntax of systemd 252.
// Names are resolved with libseccomp on the native architecture.
#pragma once

#include <climits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

// libseccomp's number for `name` on the native architecture: >= 0 a real
// system call; < -1 a pseudo-number (libseccomp knows the name, this
// architecture lacks the call, e.g. chown32 on x86-64); -1 unknown.
int syscall_number(std::string_view name);

// The name libseccomp gives back for syscall_number(name), which is what
// systemd stores and prints (usually `name` itself, but x86-64 maps
// sys_debug_setcontext to switch_endian); nullopt if the name is unknown.
std::optional<std::string> canonical_syscall_name(std::string_view name);

// The @groups of one systemd version, parsed from the text that
// `systemd-analyze syscall-filter` prints: "@group" lines, indented member
// lines (names or nested "@group"s, in table order), indented "# …"
// descriptions, blank lines; other "#" lines (the ungrouped list) ignored.
class SyscallTable {
 public:
  // nullopt and *error set if the text is malformed.
  static std::optional<SyscallTable> parse(std::string_view text, std::string* error);
  static std::optional<SyscallTable> load(const std::string& path, std::string* error);

  // Group names include the "@".
  bool has_group(std::string_view group) const;
  const std::vector<std::string>& group_names() const { return order_; }
  // As listed, nested groups as "@name"; nullptr for an unknown group.
  const std::vector<std::string>* members(std::string_view group) const;
  // Nested groups expanded depth-first in place; duplicates kept.
  std::vector<std::string> expanded_members(std::string_view group) const;
  // expanded_members() without names whose syscall_number() < 0: the order
  // in which the assessment looks for an offender.
  std::vector<std::string> resolvable_members(std::string_view group) const;

 private:
  void expand(std::string_view group, std::vector<std::string>* out,
              std::vector<std::string_view>* stack) const;

  std::map<std::string, std::vector<std::string>, std::less<>> groups_;
  std::vector<std::string> order_;
};

// Errno values stored with a filter entry.
constexpr int kSyscallErrnoNone = -1;           // no ":errno" given
constexpr int kSyscallErrnoKill = INT_MAX - 1;  // ":kill"

// The errno part of "name:errno": "kill", an errno name (any case, glibc's
// E* names) or a number 0…4095 in systemd number syntax.
std::optional<int> parse_syscall_errno(std::string_view text);

// The state SystemCallFilter= lines build up.
struct SyscallFilter {
  // True once a non-empty assignment has fixed the mode (systemd has
  // allocated its filter map); only an empty assignment undoes this.
  bool configured = false;
  bool allow_list = false;
  // Canonical name → errno (kSyscallErrnoNone, 0…4095, kSyscallErrnoKill).
  std::map<std::string, int> entries;

  // The names the assessment sees: all entries, except that an allow-list
  // skips entries carrying an errno (as systemd's analyser does).
  std::set<std::string> names() const;
};

// Applies one assignment: "" clears (deny-list, not configured). Otherwise
// an optional "~" and words "name[:errno]" / "@group[:errno]" (backslash
// escapes, quotes literal). The first assignment while !configured sets the
// mode; an allow-list then first receives all of @default. A word with an
// errno is stored with it (only allowed with "~"; in an allow-list it thus
// adds an entry the assessment skips); otherwise the word's syscalls are
// added if the line's polarity matches the mode, else removed. Names inside
// groups that libseccomp does not know are skipped silently. Warnings (the
// word as written unless noted), never fatal:
//   "Failed to parse syscall:errno, ignoring: <word>"  (empty name, bad errno)
//   "Allow-listed system calls cannot take error number, ignoring: <word>"
//   "Unknown system call group, ignoring: <@group>"     (errno part dropped)
//   "Failed to parse system call, ignoring: <name>"     (errno part dropped)
void apply_system_call_filter_assignment(std::string_view value, const SyscallTable& table,
                                         SyscallFilter& filter, std::vector<std::string>& warnings);

// Applies one SystemCallArchitectures= assignment: "" clears; otherwise the
// names (quotes removed) are added: native x86 x86-64 x32 arm arm64 mips
// mips-le mips64 mips64-le mips64-n32 mips64-le-n32 parisc parisc64 ppc ppc64
// ppc64-le riscv64 s390 s390x. Warnings: "Failed to parse system call
// architecture \"<word>\", ignoring: Invalid argument"; "Invalid syntax,
// ignoring: <value>" on a quoting error (earlier words still apply).
void apply_system_call_architectures_assignment(std::string_view value,
                                                std::set<std::string>& architectures,
                                                std::vector<std::string>& warnings);

}  // namespace hardnut
