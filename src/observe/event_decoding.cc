#include "observe/event_decoding.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <vector>

namespace hardnut {

std::string absolute_normal_path(std::string_view base, std::string_view path) {
  std::string joined;
  if (path.empty() || path.front() != '/') {
    joined.assign(base);
    joined += '/';
  }
  joined += path;
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  if (parts.empty()) return "/";
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

std::string socket_address_text(int family, const uint8_t* addr, const char* sun_path,
                                size_t addr_len) {
  char text[INET6_ADDRSTRLEN] = {};
  switch (family) {
    case AF_INET:
      return inet_ntop(AF_INET, addr, text, sizeof(text)) ? text : "";
    case AF_INET6:
      return inet_ntop(AF_INET6, addr, text, sizeof(text)) ? text : "";
    case AF_UNIX: {
      if (addr_len <= 2) return "";  // unnamed (autobind: the kernel picks an abstract name)
      size_t len = std::min<size_t>(addr_len - 2, 108);
      if (sun_path[0] == '\0') return "@" + std::string(sun_path + 1, len - 1);
      return std::string(sun_path, std::find(sun_path, sun_path + len, '\0'));
    }
    default:
      return "";
  }
}

}  // namespace hardnut
