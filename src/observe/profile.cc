#include "observe/profile.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "directives/address_family.h"
#include "directives/capability.h"
#include "model/exec_settings.h"
#include "model/syscall_filter.h"

namespace hardnut {

namespace {

using nlohmann::json;

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string family_name(int family) {
  std::string name = address_family_name(family);
  return name.empty() ? "AF_" + std::to_string(family) : name;
}

std::string capability_label(int cap) {
  std::string name = capability_name(cap);
  return name.empty() ? "CAP_" + std::to_string(cap) : upper(name);
}

std::string socket_type_name(int type) {
  switch (type & 0xf) {  // SOCK_NONBLOCK/SOCK_CLOEXEC live above
    case SOCK_STREAM:
      return "stream";
    case SOCK_DGRAM:
      return "dgram";
    case SOCK_SEQPACKET:
      return "seqpacket";
    case SOCK_RAW:
      return "raw";
    default:
      return "";
  }
}

const char* op_name(SocketUse::Op op) {
  switch (op) {
    case SocketUse::Op::kBind:
      return "bind";
    case SocketUse::Op::kConnect:
      return "connect";
    case SocketUse::Op::kListen:
      return "listen";
  }
  return "";
}

// Namespace types by their clone flag, as RestrictNamespaces= names them.
constexpr std::pair<uint64_t, const char*> kNamespaceNames[] = {
    {kNsCgroup, "cgroup"}, {kNsIpc, "ipc"},   {kNsNet, "net"}, {kNsMnt, "mnt"},
    {kNsPid, "pid"},       {kNsUser, "user"}, {kNsUts, "uts"}, {kNsTime, "time"},
};

std::string policy_name(int policy) {
  switch (policy & ~0x40000000) {  // SCHED_RESET_ON_FORK
    case 0:
      return "other";
    case 1:
      return "fifo";
    case 2:
      return "rr";
    case 3:
      return "batch";
    case 5:
      return "idle";
    case 6:
      return "deadline";
    default:
      return std::to_string(policy);
  }
}

PhaseProfile phase_from(const PhaseObservation& raw) {
  PhaseProfile p;
  for (auto [nr, count] : raw.syscalls) {
    std::string name = nr >= 0 && nr < kSyscallSlots ? syscall_slot_name(nr) : "";
    p.syscalls[name.empty() ? "syscall_" + std::to_string(nr) : name] += count;
  }
  for (int f : raw.socket_families) p.socket_families.insert(family_name(f));
  for (const auto& s : raw.sockets)
    p.sockets.insert({op_name(s.op), s.family ? family_name(s.family) : "",
                      socket_type_name(s.type), s.address, s.port});
  // Asked for, granted or not: a daemon that drops privileges checks that
  // it cannot regain them (sshd's setuid(0) after the switch is refused),
  // and still needs the capability for the switch itself.
  for (auto [cap, count] : raw.capabilities)
    if (count) p.capabilities.insert(capability_label(cap));
  for (int cap : raw.capabilities_denied) p.capabilities_denied.insert(capability_label(cap));
  for (const auto& f : raw.files) {
    if (!f.resolved) {
      p.files_unresolved.insert(f.path);
      continue;
    }
    if (f.path.rfind("/dev/", 0) == 0 && !f.directory) {
      p.devices.insert(f.path);
      continue;
    }
    std::string path = f.directory && f.path != "/" ? f.path + "/" : f.path;
    bool writes = f.write || (f.flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
    (writes ? p.files_written : p.files_read).insert(path);
  }
  for (auto [flag, name] : kNamespaceNames)
    if (raw.namespace_flags & flag) p.namespaces.insert(name);
  p.write_execute_mapping = raw.write_execute_mapping;
  p.personalities = raw.personalities;
  for (int policy : raw.scheduler_policies) p.scheduler_policies.insert(policy_name(policy));
  p.executables = raw.executables;
  return p;
}

json phase_json(const PhaseProfile& p) {
  json sockets = json::array();
  for (const auto& s : p.sockets)
    sockets.push_back({{"op", s.op},
                       {"family", s.family},
                       {"type", s.type},
                       {"address", s.address},
                       {"port", s.port}});
  return {
      {"syscalls", p.syscalls},
      {"socket_families", p.socket_families},
      {"sockets", sockets},
      {"capabilities", p.capabilities},
      {"capabilities_denied", p.capabilities_denied},
      {"files",
       {{"written", p.files_written}, {"read", p.files_read}, {"unresolved", p.files_unresolved}}},
      {"devices", p.devices},
      {"namespaces", p.namespaces},
      {"write_execute_mapping", p.write_execute_mapping},
      {"personalities", p.personalities},
      {"scheduler_policies", p.scheduler_policies},
      {"executables", p.executables}};
}

// A number with a fraction or an exponent where counts, ports or flags are
// expected: converting 2e53 to an integer is undefined, so it is refused.
void no_fractions(const json& v) {
  if (v.is_number_float()) throw std::runtime_error("a count is not a whole number");
  if (v.is_structured())
    for (const auto& item : v) no_fractions(item);
}

// Reads `key` of `j` into `out` when present; a value of the wrong type throws.
template <typename T>
void read(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end()) return;
  if constexpr (!std::is_floating_point_v<T>) no_fractions(*it);
  it->get_to(out);
}

PhaseProfile phase_from_json(const json& j) {
  PhaseProfile p;
  if (!j.is_object()) throw std::runtime_error("a phase is not an object");
  read(j, "syscalls", p.syscalls);
  read(j, "socket_families", p.socket_families);
  if (auto it = j.find("sockets"); it != j.end())
    for (const auto& s : *it) {
      ObservedSocket o;
      read(s, "op", o.op);
      read(s, "family", o.family);
      read(s, "type", o.type);
      read(s, "address", o.address);
      read(s, "port", o.port);
      p.sockets.insert(o);
    }
  read(j, "capabilities", p.capabilities);
  read(j, "capabilities_denied", p.capabilities_denied);
  if (auto it = j.find("files"); it != j.end()) {
    read(*it, "written", p.files_written);
    read(*it, "read", p.files_read);
    read(*it, "unresolved", p.files_unresolved);
  }
  read(j, "devices", p.devices);
  read(j, "namespaces", p.namespaces);
  read(j, "write_execute_mapping", p.write_execute_mapping);
  read(j, "personalities", p.personalities);
  read(j, "scheduler_policies", p.scheduler_policies);
  read(j, "executables", p.executables);
  return p;
}

void merge_into(PhaseProfile& a, const PhaseProfile& b) {
  for (const auto& [name, count] : b.syscalls) a.syscalls[name] += count;
  auto join = [](auto& x, const auto& y) { x.insert(y.begin(), y.end()); };
  join(a.socket_families, b.socket_families);
  join(a.sockets, b.sockets);
  join(a.capabilities, b.capabilities);
  join(a.capabilities_denied, b.capabilities_denied);
  join(a.files_written, b.files_written);
  join(a.files_read, b.files_read);
  join(a.files_unresolved, b.files_unresolved);
  join(a.devices, b.devices);
  join(a.namespaces, b.namespaces);
  a.write_execute_mapping = a.write_execute_mapping || b.write_execute_mapping;
  join(a.personalities, b.personalities);
  join(a.scheduler_policies, b.scheduler_policies);
  join(a.executables, b.executables);
}

}  // namespace

Profile profile_from(const RawObservation& raw) {
  Profile p;
  p.unit = raw.unit;
  p.architecture = raw.architecture;
  p.seconds = raw.seconds;
  p.covers_startup = raw.covers_startup;
  p.processes = raw.processes;
  p.events = raw.events;
  p.lost_events = raw.lost_events;
  p.capabilities_observed = raw.capabilities_observed;
  p.capabilities_method = raw.capabilities_method;
  p.capabilities_missing = raw.capabilities_missing;
  p.setup = phase_from(raw.phase[static_cast<int>(Phase::kSetup)]);
  p.service = phase_from(raw.phase[static_cast<int>(Phase::kService)]);
  return p;
}

std::string profile_to_json(const Profile& p) {
  json j = {{"hardnut_profile", p.format},
            {"unit", p.unit},
            {"architecture", p.architecture},
            {"observed",
             {{"seconds", p.seconds},
              {"runs", p.runs},
              {"covers_startup", p.covers_startup},
              {"processes", p.processes},
              {"events", p.events},
              {"lost_events", p.lost_events},
              {"capabilities_observed", p.capabilities_observed},
              {"capabilities_method", p.capabilities_method},
              {"capabilities_missing", p.capabilities_missing},
              {"workloads", p.workloads}}},
            {"setup", phase_json(p.setup)},
            {"service", phase_json(p.service)}};
  // Paths are bytes; a name that is not UTF-8 is written with U+FFFD
  // instead of making the whole profile unwritable.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<Profile> profile_from_json(const std::string& text, std::string& error) {
  try {
    json j = json::parse(text);
    if (!j.is_object() || !j.contains("hardnut_profile")) {
      error = "not a hardnut profile (no \"hardnut_profile\" member)";
      return std::nullopt;
    }
    Profile p;
    read(j, "hardnut_profile", p.format);
    if (p.format != kProfileFormat) {
      error = "profile format " + std::to_string(p.format) +
              " is not supported (this hardnut reads " + std::to_string(kProfileFormat) + ")";
      return std::nullopt;
    }
    j.at("unit").get_to(p.unit);
    read(j, "architecture", p.architecture);
    if (auto it = j.find("observed"); it != j.end()) {
      read(*it, "seconds", p.seconds);
      read(*it, "runs", p.runs);
      read(*it, "covers_startup", p.covers_startup);
      read(*it, "processes", p.processes);
      read(*it, "events", p.events);
      read(*it, "lost_events", p.lost_events);
      read(*it, "capabilities_observed", p.capabilities_observed);
      read(*it, "capabilities_method", p.capabilities_method);
      read(*it, "capabilities_missing", p.capabilities_missing);
      read(*it, "workloads", p.workloads);
    }
    if (auto it = j.find("setup"); it != j.end()) p.setup = phase_from_json(*it);
    if (auto it = j.find("service"); it != j.end()) p.service = phase_from_json(*it);
    return p;
  } catch (const std::exception& e) {
    error = std::string("not a valid profile: ") + e.what();
    return std::nullopt;
  }
}

std::optional<Profile> read_profile_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the profile " + path;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto profile = profile_from_json(text.str(), error);
  if (!profile) error = path + ": " + error;
  return profile;
}

std::optional<Profile> merge_profiles(const Profile& a, const Profile& b, std::string& error) {
  if (a.unit != b.unit) {
    error = "the profiles are of different units: " + a.unit + " and " + b.unit;
    return std::nullopt;
  }
  if (a.architecture != b.architecture) {
    error =
        "the profiles are of different architectures: " + a.architecture + " and " + b.architecture;
    return std::nullopt;
  }
  Profile m = a;
  m.seconds += b.seconds;
  m.runs += b.runs;
  m.covers_startup = a.covers_startup || b.covers_startup;
  m.processes += b.processes;
  m.events += b.events;
  m.lost_events += b.lost_events;
  m.capabilities_observed = a.capabilities_observed && b.capabilities_observed;
  if (!b.capabilities_observed && m.capabilities_missing.empty())
    m.capabilities_missing = b.capabilities_missing;
  if (m.capabilities_method.find(b.capabilities_method) == std::string::npos)
    m.capabilities_method += (m.capabilities_method.empty() ? "" : ", ") + b.capabilities_method;
  m.workloads.insert(m.workloads.end(), b.workloads.begin(), b.workloads.end());
  merge_into(m.setup, b.setup);
  merge_into(m.service, b.service);
  return m;
}

std::vector<std::string> coverage_notes(const Profile& p) {
  std::vector<std::string> notes;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", p.seconds);
  notes.push_back("observed " + p.unit + " for " + seconds + " s in " + std::to_string(p.runs) +
                  (p.runs == 1 ? " run: " : " runs: ") + std::to_string(p.processes) + " tasks, " +
                  std::to_string(p.events) + " system calls, " +
                  std::to_string(p.service.syscalls.size()) + " distinct after the exec");
  if (!p.covers_startup)
    notes.push_back(
        "start-up is NOT covered (--no-restart): the binds, configuration reads and calls made "
        "once are missing, so harden derives no allow-list from this profile unless "
        "--profile-without-startup is given");
  if (!p.capabilities_observed)
    notes.push_back(
        "capabilities were not observed (" +
        (p.capabilities_missing.empty() ? std::string("in every run") : p.capabilities_missing) +
        "): no CapabilityBoundingSet= comes from this profile");
  if (p.lost_events)
    notes.push_back(std::to_string(p.lost_events) +
                    " file or socket events were lost (ring buffer full): paths may be missing");
  if (!p.service.files_unresolved.empty())
    notes.push_back(std::to_string(p.service.files_unresolved.size()) +
                    " relative paths could not be resolved (their process was gone)");
  notes.push_back(
      "only the code paths that ran are covered: a nightly job, a reload, log rotation or an "
      "error path that did not happen is not in the profile (drive them with --workload, or "
      "merge profiles of several runs with --merge)");
  return notes;
}

}  // namespace hardnut
