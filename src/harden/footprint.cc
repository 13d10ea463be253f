#include "harden/footprint.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

namespace hardnut {

namespace {

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') out.emplace_back(e->d_name);
  closedir(d);
  return out;
}

std::string link_target(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

// Kernel "0100007F:0050" (IPv4, little-endian words) or 32 hex digits
// (IPv6) -> "127.0.0.1:80" / "[::1]:80".
std::string socket_address(const std::string& hex) {
  size_t colon = hex.find(':');
  if (colon == std::string::npos) return hex;
  std::string ip = hex.substr(0, colon);
  unsigned port = static_cast<unsigned>(std::stoul(hex.substr(colon + 1), nullptr, 16));
  std::vector<unsigned char> bytes;
  for (size_t word = 0; word + 8 <= ip.size(); word += 8) {
    uint32_t v = static_cast<uint32_t>(std::stoul(ip.substr(word, 8), nullptr, 16));
    for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<unsigned char>(v >> (8 * b)));
  }
  std::ostringstream s;
  if (bytes.size() == 4) {
    s << +bytes[0] << "." << +bytes[1] << "." << +bytes[2] << "." << +bytes[3];
  } else {
    bool all_zero = true;
    for (auto b : bytes) all_zero = all_zero && b == 0;
    s << "[";
    if (all_zero) {
      s << "::";
    } else {
      for (size_t i = 0; i + 1 < bytes.size(); i += 2)
        s << (i ? ":" : "") << std::hex << ((bytes[i] << 8) | bytes[i + 1]) << std::dec;
    }
    s << "]";
  }
  s << ":" << port;
  return s.str();
}

// inode -> "tcp 0.0.0.0:80" for the listening (or, for UDP, bound)
// sockets of a network namespace.
std::map<std::string, std::string> listening_sockets(const std::string& net) {
  std::map<std::string, std::string> out;
  struct Table {
    const char* file;
    const char* name;
    const char* state;  // the socket state that counts
  };
  for (const Table& t : {Table{"tcp", "tcp", "0A"}, Table{"tcp6", "tcp", "0A"},
                         Table{"udp", "udp", "07"}, Table{"udp6", "udp", "07"}}) {
    std::ifstream in(net + "/" + t.file);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string slot, local, remote, state, queues, timer, retr, uid, timeout, inode;
      f >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (state == t.state && !inode.empty() && inode != "0")
        out[inode] = std::string(t.name) + " " + socket_address(local);
    }
  }
  std::ifstream unix_table(net + "/unix");
  std::string line;
  std::getline(unix_table, line);
  while (std::getline(unix_table, line)) {
    std::istringstream f(line);
    std::string num, refs, proto, flags, type, st, inode, path;
    f >> num >> refs >> proto >> flags >> type >> st >> inode >> path;
    // __SO_ACCEPTCON: a listening stream or seqpacket socket.
    bool listening = (std::stoul(flags, nullptr, 16) & 0x10000) != 0;
    if (listening && !path.empty()) out[inode] = "unix " + path;
  }
  return out;
}

bool writable(const std::string& fdinfo) {
  std::ifstream in(fdinfo);
  std::string key, value;
  while (in >> key >> value)
    if (key == "flags:") return (std::stoul(value, nullptr, 8) & 03) != 0;  // O_WRONLY|O_RDWR
  return false;
}

bool telling_file(const std::string& path, const std::vector<std::string>& scratch) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() > 10 && path.compare(path.size() - 10, 10, " (deleted)") == 0) return false;
  for (const auto& p : scratch)
    if (path.rfind(p, 0) == 0) return false;
  return true;
}

}  // namespace

std::vector<int> cgroup_pids(const std::string& control_group) {
  std::vector<int> pids;
  for (const char* mount : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    std::string top = std::string(mount) + control_group;
    if (access((top + "/cgroup.procs").c_str(), R_OK) != 0) continue;
    std::vector<std::string> dirs = {top};
    while (!dirs.empty()) {
      std::string dir = dirs.back();
      dirs.pop_back();
      std::ifstream in(dir + "/cgroup.procs");
      int pid;
      while (in >> pid) pids.push_back(pid);
      for (const auto& e : entries(dir))
        if (access((dir + "/" + e + "/cgroup.procs").c_str(), R_OK) == 0)
          dirs.push_back(dir + "/" + e);
    }
    break;
  }
  return pids;
}

Footprint footprint_of(const std::vector<int>& pids, int namespace_pid, const std::string& proc,
                       const std::vector<std::string>& scratch, int writer) {
  Footprint f;
  unsigned ephemeral_low = 32768, ephemeral_high = 60999;
  std::ifstream(proc + "/sys/net/ipv4/ip_local_port_range") >> ephemeral_low >> ephemeral_high;
  auto sockets = listening_sockets(proc + "/" + std::to_string(namespace_pid) + "/net");
  for (int pid : pids) {
    std::string base = proc + "/" + std::to_string(pid);
    auto fds = entries(base + "/fd");
    if (fds.empty()) continue;
    f.taken = true;
    for (const auto& fd : fds) {
      std::string target = link_target(base + "/fd/" + fd);
      if (target.rfind("socket:[", 0) == 0) {
        auto it = sockets.find(target.substr(8, target.size() - 9));
        if (it == sockets.end()) continue;
        if (it->second.rfind("udp ", 0) == 0) {
          unsigned port =
              static_cast<unsigned>(std::stoul(it->second.substr(it->second.rfind(':') + 1)));
          if (port >= ephemeral_low && port <= ephemeral_high) continue;
        }
        f.listens.insert(it->second);
      } else if ((writer == 0 || pid == writer) && telling_file(target, scratch) &&
                 writable(base + "/fdinfo/" + fd)) {
        f.writes.insert(target);
      }
    }
  }
  return f;
}

std::vector<std::string> lost_footprint(const Footprint& before, const Footprint& after) {
  std::vector<std::string> out;
  if (!before.taken || !after.taken) return out;
  for (const auto& s : before.listens)
    if (!after.listens.count(s)) out.push_back("no longer listens on " + s);
  // Files are opened lazily (rsyslog opens auth.log at the first auth
  // message): only a service that writes none of its files any more has
  // lost them (rsyslog under ProtectSystem=strict).
  bool writes_any = false;
  for (const auto& w : before.writes) writes_any = writes_any || after.writes.count(w);
  if (!writes_any)
    for (const auto& w : before.writes) out.push_back("no longer holds " + w + " open for writing");
  return out;
}

}  // namespace hardnut
