// System call groups (from a `systemd-analyze syscall-filter` listing) and
// the SystemCallFilter=/SystemCallArchitectures= value syntax of systemd 252.
// Names are resolved with libseccomp on the native architecture.
#pragma once

#include <bitset>
#include <climits>
#include <map>
#include <memory>
#include <mutex>
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

// System call numbers below this have a slot in the compact sets below.
constexpr int kSyscallSlots = 1024;

// The slot of a name in SyscallNameSet and SyscallFilter: its number, when
// that is below kSyscallSlots and the name is the one libseccomp gives back
// for it; -1 otherwise (such names are kept by name).
int syscall_slot(std::string_view name);

// The name libseccomp gives for a slot's number.
const std::string& syscall_slot_name(int slot);

// A set of system call names (what SystemCallFilter= left for the
// assessment): a bit per slot, other names as strings.
class SyscallNameSet {
 public:
  void insert(const std::string& name);
  size_t count(std::string_view name) const { return contains(syscall_slot(name), name) ? 1 : 0; }
  // `slot` must be syscall_slot(name).
  bool contains(int slot, std::string_view name) const {
    if (slot >= 0) return slots_.test(static_cast<size_t>(slot));
    return !others_.empty() && others_.find(name) != others_.end();
  }
  bool empty() const { return slots_.none() && others_.empty(); }
  size_t size() const { return slots_.count() + others_.size(); }
  void set_slot(int slot) { slots_.set(static_cast<size_t>(slot)); }
  void set_slots(const std::bitset<kSyscallSlots>& slots) { slots_ |= slots; }
  std::set<std::string> names() const;
  bool operator==(const std::set<std::string>& o) const { return names() == o; }
  bool operator==(const SyscallNameSet& o) const {
    return slots_ == o.slots_ && others_ == o.others_;
  }

 private:
  std::bitset<kSyscallSlots> slots_;
  std::set<std::string, std::less<>> others_;
};

// A member of an expanded group, resolved once per table.
struct SyscallRef {
  std::string name;                      // as listed
  int number;                            // syscall_number(name)
  int slot;                              // syscall_slot(name)
  std::optional<std::string> canonical;  // canonical_syscall_name(name)
  int canonical_slot;                    // syscall_slot(*canonical), or -1
};

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
  // expanded_members() with their numbers and canonical names; nullptr for
  // an unknown group. Resolved once, on first use, for every group.
  const std::vector<SyscallRef>* resolved_members(std::string_view group) const;
  // The same for resolvable_members().
  const std::vector<SyscallRef>* resolved_resolvable_members(std::string_view group) const;

 private:
  struct Resolved {
    std::once_flag once;
    std::map<std::string, std::vector<SyscallRef>, std::less<>> expanded, resolvable;
  };
  const Resolved& resolved() const;

  void expand(std::string_view group, std::vector<std::string>* out,
              std::vector<std::string_view>* stack) const;

  std::map<std::string, std::vector<std::string>, std::less<>> groups_;
  std::vector<std::string> order_;
  // Shared by copies (the groups do not change after parse()).
  std::shared_ptr<Resolved> resolved_ = std::make_shared<Resolved>();
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
  // Canonical name → errno (kSyscallErrnoNone, 0…4095, kSyscallErrnoKill),
  // kept per slot (kSyscallSlots entries once one is set, kNoEntry where
  // none is) and by name for names without a slot.
  static constexpr int kNoEntry = INT_MIN;
  std::vector<int> by_slot;
  std::map<std::string, int> by_name;
  // The slots with an entry, and those whose entry has no errno.
  std::bitset<kSyscallSlots> slots_set, slots_without_errno;

  void put(int slot, const std::string& canonical, int errno_value);
  void remove(int slot, const std::string& canonical);
  // Every entry: canonical name → errno.
  std::map<std::string, int> entries() const;

  // The names the assessment sees: all entries, except that an allow-list
  // skips entries carrying an errno (as systemd's analyser does).
  SyscallNameSet names() const;
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
