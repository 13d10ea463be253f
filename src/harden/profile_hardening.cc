#include "harden/profile_hardening.h"

#include <algorithm>

#include "harden/own_choices.h"
#include "model/systemd_version.h"

namespace hardnut {

namespace {

// The groups the assessment scores as SystemCallFilter=~@GROUP checks.
constexpr const char* kScoredGroups[] = {"@clock",  "@cpu-emulation", "@debug",      "@module",
                                         "@mount",  "@obsolete",      "@privileged", "@raw-io",
                                         "@reboot", "@resources",     "@swap"};

// Device nodes PrivateDevices=yes still provides.
constexpr const char* kPrivateDevices[] = {
    "/dev/null",  "/dev/zero",   "/dev/full",   "/dev/random",  "/dev/urandom",    "/dev/tty",
    "/dev/ptmx",  "/dev/pts/",   "/dev/shm/",   "/dev/mqueue/", "/dev/hugepages/", "/dev/fd/",
    "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/log"};

// Directories whose first level below is one service's own state.
constexpr const char* kStateRoots[] = {"/var/lib/", "/var/log/", "/var/cache/", "/var/spool/",
                                       "/run/",     "/srv/",     "/var/mail/"};

// The settings that name directories the manager makes writable under
// ProtectSystem=strict itself, and where they are.
constexpr std::pair<const char*, const char*> kManagedDirectories[] = {
    {"Service.StateDirectory", "/var/lib/"},
    {"Service.LogsDirectory", "/var/log/"},
    {"Service.CacheDirectory", "/var/cache/"},
    {"Service.RuntimeDirectory", "/run/"},
    {"Service.ConfigurationDirectory", "/etc/"}};

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool under(const std::string& path, const std::string& dir) {
  std::string d = dir.back() == '/' ? dir : dir + "/";
  return path == dir || starts_with(path, d);
}

std::string join(const std::set<std::string>& words, const char* separator = " ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

std::string count_of(size_t n, const char* thing) {
  return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

// A path as a unit file value: plain words only (no quoting needed).
bool plain_path(const std::string& p) {
  return std::none_of(p.begin(), p.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\'' || c == '\\' || c == '%';
  });
}

class Builder {
 public:
  Builder(const Profile& p, const UnitFacts& f, const Signals& s, const SyscallTable& t,
          const ProfileHardeningOptions& o)
      : profile_(p), service_(p.service), facts_(f), signals_(s), table_(t), options_(o) {}

  ProfileHardening build() {
    bool allow_lists = profile_.covers_startup || options_.without_startup;
    if (!allow_lists)
      out_.withheld.push_back(
          "allow-lists (SystemCallFilter=, RestrictAddressFamilies=, CapabilityBoundingSet=, "
          "ProtectSystem=strict, PrivateNetwork=, SocketBindAllow=): the profile did not watch "
          "the start-up (--profile-without-startup uses it anyway)");
    if (allow_lists) {
      system_calls();
      address_families();
      capabilities();
      file_system();
      socket_binds();
    }
    devices();
    home();
    simple_flags();
    return std::move(out_);
  }

 private:
  void add(Risk risk, std::string id, std::vector<std::string> lines,
           std::vector<std::string> notes, std::string restricts) {
    if (static_cast<int>(risk) > static_cast<int>(options_.level)) {
      out_.withheld.push_back(lines.front() + ": risk " + risk_name(risk) +
                              ", above --level=" + risk_name(options_.level));
      return;
    }
    HardeningEntry e;
    e.id = "observed:" + id;
    e.lines = std::move(lines);
    e.line_notes = std::move(notes);
    e.restricts = std::move(restricts);
    e.breaks = "code paths the observation did not see";
    e.risk = risk;
    e.requested = true;
    e.tag = "observed";
    // The unit's own settings are its choices: only aggressive replaces them.
    auto overridden = overridden_choices(e, facts_);
    if (!overridden.empty() && options_.level != Risk::kAggressive) {
      out_.withheld.push_back(e.lines.front() + ": " + describe(overridden.front()) +
                              "; only at --level=aggressive");
      return;
    }
    out_.entries.push_back(std::move(e));
  }

  void veto(const std::string& key, const std::string& why) { out_.vetoed[key] = why; }

  void system_calls() {
    std::set<std::string> used;
    for (const auto& [name, count] : service_.syscalls)
      if (count) used.insert(canonical_syscall_name(name).value_or(name));
    if (used.empty()) return;
    auto members_of = [&](const std::string& group) {
      std::set<std::string> names;
      if (const auto* refs = table_.resolved_members(group))
        for (const auto& r : *refs) names.insert(r.canonical.value_or(r.name));
      return names;
    };
    std::set<std::string> base = members_of("@system-service"), outside;
    for (const auto& name : used)
      if (!base.count(name) && syscall_number(name) >= 0) outside.insert(name);
    // Groups with no observed member are denied: the scored ones at
    // standard; every unused part of @system-service too at aggressive.
    std::set<std::string> denied;
    auto unused = [&](const std::string& group) {
      auto m = members_of(group);
      return !m.empty() && std::none_of(m.begin(), m.end(), [&](auto& n) { return used.count(n); });
    };
    for (const char* g : kScoredGroups)
      if (table_.has_group(g) && unused(g)) denied.insert(g);
    if (options_.level == Risk::kAggressive)
      if (const auto* parts = table_.members("@system-service"))
        for (const auto& g : *parts)
          if (g.front() == '@' && g != "@default" && unused(g)) denied.insert(g);
    std::vector<std::string> lines = {"SystemCallFilter=@system-service" +
                                      (outside.empty() ? "" : " " + join(outside))};
    std::vector<std::string> notes = {
        "observed: " + count_of(used.size(), "distinct system call") + " after the exec" +
        (outside.empty() ? ", all in @system-service"
                         : "; outside @system-service: " + join(outside, ", "))};
    if (!denied.empty()) {
      lines.push_back("SystemCallFilter=~" + join(denied));
      notes.push_back("observed: no call of " + join(denied, ", "));
    }
    lines.push_back("SystemCallErrorNumber=EPERM");
    notes.push_back("a call outside the list fails with EPERM instead of killing the service");
    add(Risk::kStandard, "system-calls", lines, notes,
        "system calls: only the groups the service was seen using");
    add(Risk::kSafe, "architectures", {"SystemCallArchitectures=native"},
        {"observed: native system calls (" + profile_.architecture + ")"},
        "system calls of other ABIs");
  }

  std::set<std::string> families() const {
    std::set<std::string> f = service_.socket_families;
    for (const auto& s : service_.sockets)
      if (!s.family.empty()) f.insert(s.family);
    return f;
  }

  void address_families() {
    std::set<std::string> seen = families(), allowed = seen;
    std::string note =
        seen.empty() ? "observed: no socket created" : "observed: sockets of " + join(seen, ", ");
    // Logging to the journal or syslog on an error path needs AF_UNIX.
    if (options_.level != Risk::kAggressive && !allowed.count("AF_UNIX")) {
      allowed.insert("AF_UNIX");
      note += "; AF_UNIX kept for logging on paths not seen";
    }
    add(Risk::kStandard, "address-families",
        {"RestrictAddressFamilies=" + (allowed.empty() ? std::string("none") : join(allowed))},
        {note}, "socket address families: only those seen");
    bool networked = seen.count("AF_INET") || seen.count("AF_INET6") || seen.count("AF_NETLINK") ||
                     seen.count("AF_PACKET");
    if (networked)
      veto("PrivateNetwork", "observed: sockets of " + join(seen, ", "));
    else if (facts_.sockets.empty())
      add(Risk::kStandard, "private-network", {"PrivateNetwork=yes"},
          {"observed: no network socket (only " + (seen.empty() ? "none" : join(seen, ", ")) + ")"},
          "the network: a namespace with loopback only");
  }

  void capabilities() {
    if (!profile_.capabilities_observed) {
      out_.withheld.push_back(
          "CapabilityBoundingSet=: capabilities were not observed (kernel without the "
          "capability tracepoint)");
      return;
    }
    std::set<std::string> keep = service_.capabilities;
    // Ambient capabilities must stay in the bounding set.
    for (const auto& [name, evidence] : facts_.facts)
      if (starts_with(name, "ambient_has:")) keep.insert(name.substr(12));
    std::string note = service_.capabilities.empty()
                           ? "observed: no capability used"
                           : "observed: used " + join(service_.capabilities, ", ");
    if (keep.size() != service_.capabilities.size()) note += "; AmbientCapabilities= kept";
    add(Risk::kStandard, "capabilities", {"CapabilityBoundingSet=" + join(keep)}, {note},
        "capabilities: only those used");
  }

  bool managed(const std::string& path) const {
    for (auto [key, root] : kManagedDirectories)
      for (const auto& value : facts_.all(key))
        for (size_t i = 0; i < value.size();) {
          size_t end = value.find(' ', i);
          std::string word = value.substr(i, end == std::string::npos ? end : end - i);
          i = end == std::string::npos ? value.size() : end + 1;
          word = word.substr(0, word.find(':'));
          if (!word.empty() && under(path, root + word)) return true;
        }
    return false;
  }

  void file_system() {
    std::set<std::string> dirs;
    std::vector<std::string> odd;
    for (const auto& path : service_.files_written) {
      if (managed(path)) continue;
      std::string dir = writable_directory_for(path);
      if (dir.empty()) continue;
      if (!plain_path(dir)) {
        odd.push_back(dir);
        continue;
      }
      dirs.insert(dir);
    }
    if (!odd.empty()) {
      out_.withheld.push_back("ProtectSystem=strict: written paths need quoting: " + odd.front());
      return;
    }
    // A directory below another one listed is covered by it.
    std::set<std::string> top;
    for (const auto& d : dirs)
      if (std::none_of(top.begin(), top.end(), [&](auto& t) { return under(d, t); })) top.insert(d);
    std::vector<std::string> lines = {"ProtectSystem=strict"};
    std::vector<std::string> notes = {
        top.empty() ? "observed: nothing written outside /dev, /proc, /sys and the unit's own "
                      "directories"
                    : "observed: " + count_of(service_.files_written.size(), "path") +
                          " written, all below the directories opened next"};
    if (!top.empty()) {
      std::set<std::string> optional;
      for (const auto& d : top) optional.insert("-" + d);
      lines.push_back("ReadWritePaths=" + join(optional));
      notes.push_back("observed: written (\"-\": no error where one is missing)");
    }
    add(Risk::kStandard, "protect-system", lines, notes,
        "writes outside the directories the service was seen writing");
  }

  void socket_binds() {
    std::set<std::string> allow;
    for (const auto& s : service_.sockets) {
      if (s.op != "bind" || (s.family != "AF_INET" && s.family != "AF_INET6")) continue;
      if (s.port == 0) return;  // an ephemeral port: no fixed list
      std::string proto = s.type == "stream" ? "tcp" : s.type == "dgram" ? "udp" : "";
      if (proto.empty()) return;
      allow.insert(proto + ":" + std::to_string(s.port));
    }
    if (allow.empty()) return;
    std::vector<std::string> lines, notes;
    for (const auto& a : allow) {
      lines.push_back("SocketBindAllow=" + a);
      notes.push_back("observed: bound " + a);
    }
    lines.push_back("SocketBindDeny=any");
    notes.push_back("no other port may be bound");
    add(Risk::kStandard, "socket-bind", lines, notes, "binding ports other than those seen");
  }

  void devices() {
    std::set<std::string> other;
    for (const auto& d : service_.devices)
      if (std::none_of(std::begin(kPrivateDevices), std::end(kPrivateDevices), [&](const char* p) {
            std::string s = p;
            return s.back() == '/' ? starts_with(d, s) : d == s;
          }))
        other.insert(d);
    if (!other.empty()) {
      veto("PrivateDevices", "observed: opened " + join(other, ", "));
      veto("DevicePolicy", "observed: opened " + join(other, ", "));
      return;
    }
    add(Risk::kStandard, "private-devices", {"PrivateDevices=yes"},
        {service_.devices.empty() ? "observed: no device node opened"
                                  : "observed: only " + join(service_.devices, ", ")},
        "device nodes other than the pseudo devices");
  }

  void home() {
    bool read = false, written = false;
    for (const char* h : {"/home", "/root", "/run/user"}) {
      for (const auto& f : service_.files_read) read |= under(f, h);
      for (const auto& f : service_.files_written) written |= under(f, h);
    }
    if (written) {
      veto("ProtectHome", "observed: writes below /home, /root or /run/user");
      return;
    }
    if (signals_.count("wide_view") && options_.level != Risk::kAggressive) {
      out_.withheld.push_back("ProtectHome=: " + signals_.at("wide_view") +
                              " (a service that needs to see the whole system)");
      return;
    }
    add(Risk::kStandard, "protect-home", {read ? "ProtectHome=read-only" : "ProtectHome=yes"},
        {read ? "observed: only reads below /home, /root or /run/user"
              : "observed: nothing opened below /home, /root or /run/user"},
        "home directories");
  }

  void simple_flags() {
    if (service_.write_execute_mapping)
      veto("MemoryDenyWriteExecute", "observed: a writable and executable mapping");
    else
      add(Risk::kSafe, "mdwe", {"MemoryDenyWriteExecute=yes"},
          {"observed: no writable and executable memory"}, "W+X memory");
    bool changes_personality =
        std::any_of(service_.personalities.begin(), service_.personalities.end(),
                    [](unsigned long p) { return p != 0; });
    if (changes_personality)
      veto("LockPersonality", "observed: personality() changes");
    else
      add(Risk::kSafe, "personality", {"LockPersonality=yes"}, {"observed: no personality change"},
          "execution domain changes");
    if (service_.realtime())
      veto("RestrictRealtime", "observed: a realtime scheduling policy");
    else
      add(Risk::kSafe, "realtime", {"RestrictRealtime=yes"}, {"observed: no realtime scheduling"},
          "realtime scheduling");
    add(Risk::kSafe, "namespaces",
        {"RestrictNamespaces=" +
         (service_.namespaces.empty() ? std::string("yes") : join(service_.namespaces))},
        {service_.namespaces.empty() ? "observed: no namespace created or joined"
                                     : "observed: creates " + join(service_.namespaces, ", ")},
        "namespace types not seen");
  }

  const Profile& profile_;
  const PhaseProfile& service_;
  const UnitFacts& facts_;
  const Signals& signals_;
  const SyscallTable& table_;
  const ProfileHardeningOptions& options_;
  ProfileHardening out_;
};

std::string line_key(const std::string& line) { return line.substr(0, line.find('=')); }

}  // namespace

std::string writable_directory_for(const std::string& path) {
  if (path.empty() || path[0] != '/') return "";
  for (const char* api : {"/dev", "/proc", "/sys"})
    if (under(path, api)) return "";
  bool is_dir = path.back() == '/';
  std::string p = is_dir && path.size() > 1 ? path.substr(0, path.size() - 1) : path;
  for (const char* root : kStateRoots) {
    std::string r = root;
    if (!starts_with(p, r)) continue;
    size_t end = p.find('/', r.size());
    if (end == std::string::npos && !is_dir) return r.substr(0, r.size() - 1);  // a file in /run
    return p.substr(0, end);
  }
  if (is_dir) return p;
  size_t slash = p.rfind('/');
  return slash == 0 ? "/" : p.substr(0, slash);
}

ProfileHardening hardening_from_profile(const Profile& profile, const UnitFacts& facts,
                                        const Signals& signals, const SyscallTable& table,
                                        const ProfileHardeningOptions& options) {
  return Builder(profile, facts, signals, table, options).build();
}

std::optional<ProfileHardening> profile_hardening_for(const std::string& path,
                                                      const HardeningTarget& target,
                                                      const ProfileHardeningOptions& options,
                                                      std::string& error) {
  auto profile = read_profile_file(path, error);
  if (!profile) {
    error = "hardnut: " + error;
    return std::nullopt;
  }
  if (profile->unit != target.unit_id()) {
    error =
        "hardnut: " + path + " is a profile of " + profile->unit + ", not of " + target.unit_id();
    return std::nullopt;
  }
  UnitFacts facts = target.facts();
  Signals signals = evaluate_signals(builtin_knowledge(), facts);
  ProfileHardening h =
      hardening_from_profile(*profile, facts, signals, syscall_table(target.version()), options);
  std::vector<HardeningEntry> accepted;
  for (auto& e : h.entries) {
    if (target.accepts_lines(e.lines))
      accepted.push_back(std::move(e));
    else
      h.withheld.push_back(e.lines.front() + ": not accepted by systemd " +
                           std::to_string(target.version().number));
  }
  h.entries = std::move(accepted);
  return h;
}

Knowledge knowledge_with_profile(const Knowledge& base, const ProfileHardening& observed) {
  std::set<std::string> taken;
  for (const auto& e : observed.entries)
    for (const auto& l : e.lines) taken.insert(line_key(l));
  for (const auto& [key, why] : observed.vetoed) taken.insert(key);
  Knowledge k = base;
  k.entries.clear();
  for (auto e : observed.entries) {
    e.requested = false;  // ranked like any other change
    k.entries.push_back(std::move(e));
  }
  for (const auto& e : base.entries)
    if (std::none_of(e.lines.begin(), e.lines.end(),
                     [&](auto& l) { return taken.count(line_key(l)); }))
      k.entries.push_back(e);
  return k;
}

}  // namespace hardnut
