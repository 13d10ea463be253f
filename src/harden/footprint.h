// What a running service is seen doing, read from /proc: the sockets it
// listens on in the manager's network namespace and the files it holds
// open for writing. Taken before a change and again after the soak, it
// tells a service that is up but no longer does its job: rsyslog under
// ProtectSystem=strict stays active without a word in its journal, but it
// no longer holds /var/log/syslog; a server under PrivateNetwork= listens
// in a namespace of its own, where no client reaches it.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace hardnut {

struct Footprint {
  bool taken = false;             // processes were found and read
  std::set<std::string> listens;  // "tcp 0.0.0.0:80", "udp [::]:53", "unix /run/x.sock"
  std::set<std::string> writes;   // "/var/log/syslog": regular files open for writing
};

// The processes of a unit's control group ("/system.slice/x.service", as
// systemctl shows ControlGroup=), its sub-groups included; empty when the
// group does not exist (the unit is not running).
std::vector<int> cgroup_pids(const std::string& control_group);

// Files whose writes say nothing about a service's job, or that move on
// their own: scratch space, devices, kernel files, memory files.
inline const std::vector<std::string> kScratchPaths = {"/dev/",     "/proc/", "/sys/",  "/tmp/",
                                                       "/var/tmp/", "/run/",  "/memfd:"};

// The footprint of `pids`, sockets matched against the network namespace
// of `namespace_pid` (PID 1: the manager's), under `proc`; files under
// `scratch` do not count. Files count only for `writer` when it is set
// (the main process: workers hold files only while they serve a request);
// UDP sockets on ephemeral ports are a client's, not something it serves.
Footprint footprint_of(const std::vector<int>& pids, int namespace_pid = 1,
                       const std::string& proc = "/proc",
                       const std::vector<std::string>& scratch = kScratchPaths, int writer = 0);

// What `before` had and `after` lacks, one line each ("no longer listens
// on tcp 0.0.0.0:80"): every socket, and the files when it holds none of
// them any more. Nothing when either was not taken.
std::vector<std::string> lost_footprint(const Footprint& before, const Footprint& after);

}  // namespace hardnut
