// The profile `hardnut profile` writes: what a unit was observed doing, in
// the names systemd's directives use (system call names, AF_*, CAP_*,
// namespace types), with how much was observed. It is a documented JSON
// file (docs/profile.md), merged across runs, and what `harden --profile=`
// turns into directives.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "observe/raw_observation.h"

namespace hardnut {

constexpr int kProfileFormat = 1;

struct ObservedSocket {
  std::string op;      // "bind", "connect", "listen"
  std::string family;  // "AF_INET"
  std::string type;    // "stream", "dgram", "seqpacket", "raw" or ""
  std::string address;
  uint16_t port = 0;
  auto operator<=>(const ObservedSocket&) const = default;
};

// What the processes of one phase did.
struct PhaseProfile {
  std::map<std::string, uint64_t> syscalls;  // name -> calls
  std::set<std::string> socket_families;     // "AF_UNIX"
  std::set<ObservedSocket> sockets;
  std::set<std::string> capabilities;         // "CAP_NET_BIND_SERVICE": asked for (audited checks)
  std::set<std::string> capabilities_denied;  // ... and refused at least once
  std::set<std::string> files_written;        // absolute paths (directories end in "/")
  std::set<std::string> files_read;
  std::set<std::string> files_unresolved;  // relative paths whose process was gone
  std::set<std::string> devices;           // /dev/... nodes opened
  std::set<std::string> namespaces;        // "net", "mnt", ... attempted
  bool write_execute_mapping = false;
  std::set<unsigned long> personalities;
  std::set<std::string> scheduler_policies;  // "fifo", "rr", "other", ...
  std::set<std::string> executables;

  bool realtime() const {
    return scheduler_policies.count("fifo") || scheduler_policies.count("rr") ||
           scheduler_policies.count("deadline");
  }
};

struct Profile {
  int format = kProfileFormat;
  std::string unit;
  std::string architecture;
  double seconds = 0;
  unsigned runs = 1;
  // Whether a run watched the unit from its start (binds, configuration
  // reads, the calls made once): allow-lists need one.
  bool covers_startup = false;
  uint64_t processes = 0, events = 0, lost_events = 0;
  bool capabilities_observed = false;
  // How silent capability checks were told apart ("kernel stack", "system
  // call context"), or why capabilities were not observed.
  std::string capabilities_method, capabilities_missing;
  std::vector<std::string> workloads;  // --workload commands of the runs
  PhaseProfile setup;                  // systemd's set-up before the exec
  PhaseProfile service;                // the unit's own commands
};

Profile profile_from(const RawObservation& raw);

std::string profile_to_json(const Profile& profile);
// nullopt and `error` for a file that is not a profile of this format.
std::optional<Profile> profile_from_json(const std::string& text, std::string& error);

// The profile in the file at `path`; nullopt and `error` ("cannot read the
// profile PATH", or "PATH: " and why it is not a profile) otherwise.
std::optional<Profile> read_profile_file(const std::string& path, std::string& error);

// Two runs of the same unit as one: sets are joined, counts and times
// added; start-up counts as covered when either run covered it, the
// capabilities as observed only when both observed them. `error` when
// the units or architectures differ.
std::optional<Profile> merge_profiles(const Profile& a, const Profile& b, std::string& error);

// What the report says about coverage: time, processes, events, and what
// is not covered (start-up, capabilities, lost events, code paths not run).
std::vector<std::string> coverage_notes(const Profile& profile);

}  // namespace hardnut
