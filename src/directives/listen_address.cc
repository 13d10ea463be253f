#include "directives/listen_address.h"

#include <arpa/inet.h>

#include <cctype>
#include <set>

namespace hardnut {

namespace {

// A port as systemd parses it: decimal, hex or octal via strtoul base 0
// semantics, 1..65535.
bool parse_port(const std::string& s, std::string& error) {
  if (s.empty()) {
    error = "Invalid argument";
    return false;
  }
  size_t i = 0;
  if (s[0] == '+') i = 1;
  int base = 10;
  if (s.compare(i, 2, "0x") == 0 || s.compare(i, 2, "0X") == 0) {
    base = 16;
    i += 2;
  } else if (s.size() > i + 1 && s[i] == '0') {
    base = 8;
    ++i;
  }
  if (i >= s.size()) {
    error = s == "0" ? "Invalid argument" : "Invalid argument";
    return false;
  }
  unsigned long v = 0;
  for (; i < s.size(); ++i) {
    int d;
    char c = static_cast<char>(tolower(static_cast<unsigned char>(s[i])));
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else
      d = 99;
    if (d >= base) {
      error = "Invalid argument";
      return false;
    }
    v = v * static_cast<unsigned long>(base) + static_cast<unsigned long>(d);
    if (v > 0xffffffffUL) break;
  }
  if (v == 0) {
    error = "Invalid argument";
    return false;
  }
  if (v > 65535) {
    error = "Numerical result out of range";
    return false;
  }
  return true;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

bool is_valid_socket_address(const std::string& value, std::string& error) {
  error = "Invalid argument";
  if (value.empty()) return false;
  if (value[0] == '/') return true;
  if (value[0] == '@') return value.size() > 1;
  if (value.rfind("vsock:", 0) == 0) {
    std::string rest = value.substr(6);
    size_t colon = rest.find(':');
    if (colon == std::string::npos) return false;
    return parse_port(rest.substr(colon + 1), error);
  }
  if (value[0] == '[') {
    size_t close = value.find(']');
    if (close == std::string::npos || close + 1 >= value.size() || value[close + 1] != ':')
      return false;
    in6_addr a6;
    if (inet_pton(AF_INET6, value.substr(1, close - 1).c_str(), &a6) != 1) return false;
    return parse_port(value.substr(close + 2), error);
  }
  size_t colon = value.rfind(':');
  if (colon != std::string::npos) {
    in_addr a4;
    if (inet_pton(AF_INET, value.substr(0, colon).c_str(), &a4) != 1) return false;
    return parse_port(value.substr(colon + 1), error);
  }
  return parse_port(value, error);
}

bool is_valid_netlink_address(const std::string& value) {
  static const std::set<std::string> kFamilies = {
      "route",     "firewall",      "inet-diag", "nflog",     "xfrm",   "selinux", "iscsi",
      "audit",     "fib-lookup",    "connector", "netfilter", "ip6-fw", "dnrtmsg", "kobject-uevent",
      "generic",   "scsitransport", "ecryptfs",  "rdma",      "crypto", "smc",     "usersock",
      "sock-diag", "unused"};
  size_t space = value.find_first_of(" \t");
  std::string family = value.substr(0, space);
  if (!kFamilies.count(family)) return false;
  if (space == std::string::npos) return true;
  size_t start = value.find_first_not_of(" \t", space);
  return start == std::string::npos || all_digits(value.substr(start));
}

}  // namespace hardnut
