#include "model/syscall_filter.h"

#include <seccomp.h>
#include <strings.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "base/values.h"

namespace hardnut {

namespace {

constexpr int kSyscallUnknown = -1;  // libseccomp's __NR_SCMP_ERROR

// glibc 2.36 <errno.h> names with their Linux (generic) numbers.
struct ErrnoName {
  const char* name;
  int number;
};
// clang-format off
constexpr ErrnoName kErrnoNames[] = {
    {"E2BIG", 7},            {"EACCES", 13},          {"EADDRINUSE", 98},
    {"EADDRNOTAVAIL", 99},   {"EADV", 68},            {"EAFNOSUPPORT", 97},
    {"EAGAIN", 11},          {"EALREADY", 114},       {"EBADE", 52},
    {"EBADF", 9},            {"EBADFD", 77},          {"EBADMSG", 74},
    {"EBADR", 53},           {"EBADRQC", 56},         {"EBADSLT", 57},
    {"EBFONT", 59},          {"EBUSY", 16},           {"ECANCELED", 125},
    {"ECHILD", 10},          {"ECHRNG", 44},          {"ECOMM", 70},
    {"ECONNABORTED", 103},   {"ECONNREFUSED", 111},   {"ECONNRESET", 104},
    {"EDEADLK", 35},         {"EDEADLOCK", 35},       {"EDESTADDRREQ", 89},
    {"EDOM", 33},            {"EDOTDOT", 73},         {"EDQUOT", 122},
    {"EEXIST", 17},          {"EFAULT", 14},          {"EFBIG", 27},
    {"EHOSTDOWN", 112},      {"EHOSTUNREACH", 113},   {"EHWPOISON", 133},
    {"EIDRM", 43},           {"EILSEQ", 84},          {"EINPROGRESS", 115},
    {"EINTR", 4},            {"EINVAL", 22},          {"EIO", 5},
    {"EISCONN", 106},        {"EISDIR", 21},          {"EISNAM", 120},
    {"EKEYEXPIRED", 127},    {"EKEYREJECTED", 129},   {"EKEYREVOKED", 128},
    {"EL2HLT", 51},          {"EL2NSYNC", 45},        {"EL3HLT", 46},
    {"EL3RST", 47},          {"ELIBACC", 79},         {"ELIBBAD", 80},
    {"ELIBEXEC", 83},        {"ELIBMAX", 82},         {"ELIBSCN", 81},
    {"ELNRNG", 48},          {"ELOOP", 40},           {"EMEDIUMTYPE", 124},
    {"EMFILE", 24},          {"EMLINK", 31},          {"EMSGSIZE", 90},
    {"EMULTIHOP", 72},       {"ENAMETOOLONG", 36},    {"ENAVAIL", 119},
    {"ENETDOWN", 100},       {"ENETRESET", 102},      {"ENETUNREACH", 101},
    {"ENFILE", 23},          {"ENOANO", 55},          {"ENOBUFS", 105},
    {"ENOCSI", 50},          {"ENODATA", 61},         {"ENODEV", 19},
    {"ENOENT", 2},           {"ENOEXEC", 8},          {"ENOKEY", 126},
    {"ENOLCK", 37},          {"ENOLINK", 67},         {"ENOMEDIUM", 123},
    {"ENOMEM", 12},          {"ENOMSG", 42},          {"ENONET", 64},
    {"ENOPKG", 65},          {"ENOPROTOOPT", 92},     {"ENOSPC", 28},
    {"ENOSR", 63},           {"ENOSTR", 60},          {"ENOSYS", 38},
    {"ENOTBLK", 15},         {"ENOTCONN", 107},       {"ENOTDIR", 20},
    {"ENOTEMPTY", 39},       {"ENOTNAM", 118},        {"ENOTRECOVERABLE", 131},
    {"ENOTSOCK", 88},        {"ENOTSUP", 95},         {"ENOTTY", 25},
    {"ENOTUNIQ", 76},        {"ENXIO", 6},            {"EOPNOTSUPP", 95},
    {"EOVERFLOW", 75},       {"EOWNERDEAD", 130},     {"EPERM", 1},
    {"EPFNOSUPPORT", 96},    {"EPIPE", 32},           {"EPROTO", 71},
    {"EPROTONOSUPPORT", 93}, {"EPROTOTYPE", 91},      {"ERANGE", 34},
    {"EREMCHG", 78},         {"EREMOTE", 66},         {"EREMOTEIO", 121},
    {"ERESTART", 85},        {"ERFKILL", 132},        {"EROFS", 30},
    {"ESHUTDOWN", 108},      {"ESOCKTNOSUPPORT", 94}, {"ESPIPE", 29},
    {"ESRCH", 3},            {"ESRMNT", 69},          {"ESTALE", 116},
    {"ESTRPIPE", 86},        {"ETIME", 62},           {"ETIMEDOUT", 110},
    {"ETOOMANYREFS", 109},   {"ETXTBSY", 26},         {"EUCLEAN", 117},
    {"EUNATCH", 49},         {"EUSERS", 87},          {"EWOULDBLOCK", 11},
    {"EXDEV", 18},           {"EXFULL", 54},
};
// clang-format on

constexpr const char* kArchitectures[] = {
    "native",  "x86",    "x86-64",    "x32",        "arm",           "arm64",  "mips",
    "mips-le", "mips64", "mips64-le", "mips64-n32", "mips64-le-n32", "parisc", "parisc64",
    "ppc",     "ppc64",  "ppc64-le",  "riscv64",    "s390",          "s390x"};

bool equal_no_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// libseccomp looks names and numbers up by a linear scan of its table, and
// a group such as @system-service names hundreds of calls, so the answers
// are remembered: per thread, so that scan workers share no lock, and only
// so many, so that unit files full of made-up names cannot grow it.
constexpr size_t kMaxCachedNames = 4096;

template <typename T, typename Compute>
const T& remembered(std::unordered_map<std::string, T>& cache, std::string_view name, T& scratch,
                    Compute compute) {
  std::string key(name);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  scratch = compute(key);
  if (cache.size() >= kMaxCachedNames) return scratch;
  return cache.emplace(std::move(key), std::move(scratch)).first->second;
}

}  // namespace

int syscall_number(std::string_view name) {
  thread_local std::unordered_map<std::string, int> cache;
  int scratch;
  return remembered(cache, name, scratch, [](const std::string& key) {
    return seccomp_syscall_resolve_name(key.c_str());
  });
}

std::optional<std::string> canonical_syscall_name(std::string_view name) {
  thread_local std::unordered_map<std::string, std::optional<std::string>> cache;
  std::optional<std::string> scratch;
  return remembered(cache, name, scratch, [](const std::string& key) -> std::optional<std::string> {
    int n = syscall_number(key);
    if (n == kSyscallUnknown) return std::nullopt;
    char* s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, n);
    if (!s) return key;
    std::string result(s);
    free(s);
    return result;
  });
}

namespace {

// Puts or removes one syscall name (known to libseccomp) in the filter.
void apply_name(std::string_view name, bool put, int errno_value, SyscallFilter& filter) {
  std::optional<std::string> canonical = canonical_syscall_name(name);
  if (!canonical) return;
  int slot = syscall_slot(*canonical);
  if (put)
    filter.put(slot, *canonical, errno_value);
  else
    filter.remove(slot, *canonical);
}

void apply_ref(const SyscallRef& ref, bool put, int errno_value, SyscallFilter& filter) {
  if (!ref.canonical) return;
  if (put)
    filter.put(ref.canonical_slot, *ref.canonical, errno_value);
  else
    filter.remove(ref.canonical_slot, *ref.canonical);
}

// libseccomp's name for a slot's number (nullptr: none), each looked up
// once (libseccomp scans its table for every look-up) and kept for the run.
const std::string* slot_name(int n) {
  static std::atomic<const std::string*> names[kSyscallSlots];
  static std::atomic<bool> looked_up[kSyscallSlots];
  static std::mutex mutex;
  auto k = static_cast<size_t>(n);
  if (looked_up[k].load(std::memory_order_acquire)) return names[k].load(std::memory_order_relaxed);
  std::lock_guard lock(mutex);
  if (!looked_up[k].load(std::memory_order_relaxed)) {
    if (char* s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, n)) {
      names[k].store(new std::string(s), std::memory_order_relaxed);
      free(s);
    }
    looked_up[k].store(true, std::memory_order_release);
  }
  return names[k].load(std::memory_order_relaxed);
}

}  // namespace

int syscall_slot(std::string_view name) {
  int n = syscall_number(name);
  if (n < 0 || n >= kSyscallSlots) return -1;
  const std::string* canonical = slot_name(n);
  return canonical && *canonical == name ? n : -1;
}

const std::string& syscall_slot_name(int slot) { return *slot_name(slot); }

void SyscallNameSet::insert(const std::string& name) {
  int slot = syscall_slot(name);
  if (slot >= 0)
    slots_.set(static_cast<size_t>(slot));
  else
    others_.insert(name);
}

std::set<std::string> SyscallNameSet::names() const {
  std::set<std::string> out(others_.begin(), others_.end());
  for (int k = 0; k < kSyscallSlots; ++k)
    if (slots_.test(static_cast<size_t>(k))) out.insert(syscall_slot_name(k));
  return out;
}

void SyscallFilter::put(int slot, const std::string& canonical, int errno_value) {
  if (slot < 0) {
    by_name[canonical] = errno_value;
    return;
  }
  if (by_slot.empty()) by_slot.assign(kSyscallSlots, kNoEntry);
  auto k = static_cast<size_t>(slot);
  by_slot[k] = errno_value;
  slots_set.set(k);
  slots_without_errno.set(k, errno_value == kSyscallErrnoNone);
}

void SyscallFilter::remove(int slot, const std::string& canonical) {
  if (slot < 0)
    by_name.erase(canonical);
  else if (!by_slot.empty()) {
    auto k = static_cast<size_t>(slot);
    by_slot[k] = kNoEntry;
    slots_set.reset(k);
    slots_without_errno.reset(k);
  }
}

std::map<std::string, int> SyscallFilter::entries() const {
  std::map<std::string, int> out = by_name;
  for (size_t k = 0; k < by_slot.size(); ++k)
    if (by_slot[k] != kNoEntry) out[syscall_slot_name(static_cast<int>(k))] = by_slot[k];
  return out;
}

const SyscallTable::Resolved& SyscallTable::resolved() const {
  std::call_once(resolved_->once, [this] {
    for (const auto& [group, members] : groups_) {
      (void)members;
      auto& expanded = resolved_->expanded[group];
      auto& resolvable = resolved_->resolvable[group];
      for (std::string& name : expanded_members(group)) {
        SyscallRef ref{name, syscall_number(name), syscall_slot(name), canonical_syscall_name(name),
                       -1};
        if (ref.canonical) ref.canonical_slot = syscall_slot(*ref.canonical);
        if (ref.number >= 0) resolvable.push_back(ref);
        expanded.push_back(std::move(ref));
      }
    }
  });
  return *resolved_;
}

const std::vector<SyscallRef>* SyscallTable::resolved_members(std::string_view group) const {
  const auto& m = resolved().expanded;
  auto it = m.find(group);
  return it == m.end() ? nullptr : &it->second;
}

const std::vector<SyscallRef>* SyscallTable::resolved_resolvable_members(
    std::string_view group) const {
  const auto& m = resolved().resolvable;
  auto it = m.find(group);
  return it == m.end() ? nullptr : &it->second;
}

std::optional<SyscallTable> SyscallTable::parse(std::string_view text, std::string* error) {
  SyscallTable table;
  std::vector<std::string>* current = nullptr;
  int line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fail = [&](const char* what) {
      *error = "line " + std::to_string(line_number) + ": " + what;
      return std::nullopt;
    };
    size_t indent = line.find_first_not_of(" \t");
    if (indent == std::string_view::npos) continue;  // blank
    if (indent == 0) {
      if (line[0] == '#') continue;  // the ungrouped list and notes
      if (line[0] != '@' || line.size() == 1) return fail("expected a @group line");
      std::string name(line.substr(0, line.find_last_not_of(" \t") + 1));
      if (table.groups_.count(name)) return fail("duplicate group");
      table.order_.push_back(name);
      current = &table.groups_[name];
      continue;
    }
    std::string_view entry = line.substr(indent);
    if (entry[0] == '#') continue;  // the group's description
    entry = entry.substr(0, entry.find_last_not_of(" \t") + 1);
    if (!current) return fail("member outside a group");
    current->emplace_back(entry);
  }
  return table;
}

std::optional<SyscallTable> SyscallTable::load(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::optional<SyscallTable> table = parse(text.str(), error);
  if (!table) *error = path + ": " + *error;
  return table;
}

bool SyscallTable::has_group(std::string_view group) const {
  return groups_.find(group) != groups_.end();
}

const std::vector<std::string>* SyscallTable::members(std::string_view group) const {
  auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : &it->second;
}

void SyscallTable::expand(std::string_view group, std::vector<std::string>* out,
                          std::vector<std::string_view>* stack) const {
  const std::vector<std::string>* list = members(group);
  if (!list) return;
  for (std::string_view s : *stack)
    if (s == group) return;  // a cycle: nothing new below here
  stack->push_back(group);
  for (const std::string& m : *list) {
    if (m[0] == '@')
      expand(m, out, stack);
    else
      out->push_back(m);
  }
  stack->pop_back();
}

std::vector<std::string> SyscallTable::expanded_members(std::string_view group) const {
  std::vector<std::string> out;
  std::vector<std::string_view> stack;
  expand(group, &out, &stack);
  return out;
}

std::vector<std::string> SyscallTable::resolvable_members(std::string_view group) const {
  std::vector<std::string> out;
  for (std::string& name : expanded_members(group))
    if (syscall_number(name) >= 0) out.push_back(std::move(name));
  return out;
}

std::optional<int> parse_syscall_errno(std::string_view text) {
  if (text == "kill") return kSyscallErrnoKill;
  for (const ErrnoName& e : kErrnoNames)
    if (equal_no_case(e.name, text)) return e.number;
  std::optional<int64_t> n = parse_signed(text);
  if (!n || *n < 0 || *n > 4095) return std::nullopt;
  return static_cast<int>(*n);
}

SyscallNameSet SyscallFilter::names() const {
  SyscallNameSet out;
  for (const auto& [name, errno_value] : by_name)
    if (!allow_list || errno_value == kSyscallErrnoNone) out.insert(name);
  out.set_slots(allow_list ? slots_without_errno : slots_set);
  return out;
}

void apply_system_call_filter_assignment(std::string_view value, const SyscallTable& table,
                                         SyscallFilter& filter,
                                         std::vector<std::string>& warnings) {
  if (value.empty()) {
    filter = SyscallFilter();
    return;
  }
  bool invert = false;
  if (value[0] == '~') {
    invert = true;
    value.remove_prefix(1);
  }
  if (!filter.configured) {
    filter.configured = true;
    filter.allow_list = !invert;
    if (filter.allow_list)
      if (const auto* members = table.resolved_members("@default"))
        for (const SyscallRef& ref : *members) apply_ref(ref, true, kSyscallErrnoNone, filter);
  }
  std::string_view rest = value;
  std::string word;
  for (;;) {
    WordResult r = extract_word(&rest, &word, Quotes::kLiteral);
    if (r == WordResult::kEnd) return;
    if (r == WordResult::kSyntaxError) {
      // Not reachable from unit files (a trailing backslash continues the
      // line); the text is a guess.
      warnings.push_back("Invalid syntax, ignoring: " + std::string(value));
      return;
    }
    std::string name = word;
    int errno_value = kSyscallErrnoNone;
    if (size_t colon = word.find(':'); colon != std::string::npos) {
      name = word.substr(0, colon);
      std::optional<int> e = parse_syscall_errno(std::string_view(word).substr(colon + 1));
      if (name.empty() || !e) {
        warnings.push_back("Failed to parse syscall:errno, ignoring: " + word);
        continue;
      }
      errno_value = *e;
    }
    if (!invert && errno_value != kSyscallErrnoNone) {
      warnings.push_back("Allow-listed system calls cannot take error number, ignoring: " + word);
      continue;
    }
    // With an errno the entry is always stored (only possible with "~").
    bool put = errno_value != kSyscallErrnoNone || invert != filter.allow_list;
    if (name[0] == '@') {
      if (!table.has_group(name)) {
        warnings.push_back("Unknown system call group, ignoring: " + name);
        continue;
      }
      for (const SyscallRef& ref : *table.resolved_members(name))
        apply_ref(ref, put, errno_value, filter);
    } else {
      if (syscall_number(name) == kSyscallUnknown) {
        warnings.push_back("Failed to parse system call, ignoring: " + name);
        continue;
      }
      apply_name(name, put, errno_value, filter);
    }
  }
}

void apply_system_call_architectures_assignment(std::string_view value,
                                                std::set<std::string>& architectures,
                                                std::vector<std::string>& warnings) {
  if (value.empty()) {
    architectures.clear();
    return;
  }
  std::string_view rest = value;
  std::string word;
  for (;;) {
    WordResult r = extract_word(&rest, &word, Quotes::kUnquote);
    if (r == WordResult::kEnd) return;
    if (r == WordResult::kSyntaxError) {
      warnings.push_back("Invalid syntax, ignoring: " + std::string(value));
      return;
    }
    bool known = false;
    for (std::string_view a : kArchitectures) known = known || a == word;
    if (known)
      architectures.insert(word);
    else
      warnings.push_back("Failed to parse system call architecture \"" + word +
                         "\", ignoring: Invalid argument");
  }
}

}  // namespace hardnut
