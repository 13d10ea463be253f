#include "directives/ip_address.h"

#include <arpa/inet.h>
#include <strings.h>
#include <sys/socket.h>

#include <cstring>

#include "base/values.h"

namespace hardnut {

bool IpPrefix::operator<(const IpPrefix& o) const {
  if (family != o.family) return family < o.family;
  if (int c = std::memcmp(address, o.address, sizeof address)) return c < 0;
  return prefix_length < o.prefix_length;
}

bool IpPrefix::operator==(const IpPrefix& o) const {
  return family == o.family && prefix_length == o.prefix_length &&
         std::memcmp(address, o.address, sizeof address) == 0;
}

namespace {

unsigned max_length(int family) { return family == AF_INET ? 32 : 128; }

IpPrefix masked(IpPrefix p) {
  for (unsigned bit = p.prefix_length; bit < 128; ++bit)
    p.address[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
  return p;
}

IpPrefix make(const char* address, unsigned length) {
  std::optional<IpPrefix> p = parse_ip_prefix(address);
  p->prefix_length = length;
  return masked(*p);
}

bool ends_with_no_case(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         strncasecmp(s.data() + s.size() - suffix.size(), suffix.data(), suffix.size()) == 0;
}

}  // namespace

std::optional<IpPrefix> parse_ip_prefix(std::string_view text) {
  size_t slash = text.find('/');
  std::string address(text.substr(0, slash));
  IpPrefix p;
  if (inet_pton(AF_INET, address.c_str(), p.address) == 1)
    p.family = AF_INET;
  else if (inet_pton(AF_INET6, address.c_str(), p.address) == 1)
    p.family = AF_INET6;
  else
    return std::nullopt;
  p.prefix_length = max_length(p.family);
  if (slash != std::string_view::npos) {
    std::optional<uint64_t> n = parse_unsigned(text.substr(slash + 1));
    if (!n || *n > max_length(p.family)) return std::nullopt;
    p.prefix_length = static_cast<unsigned>(*n);
  }
  return masked(p);
}

std::string format_ip_prefix(const IpPrefix& prefix) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(prefix.family, prefix.address, buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(prefix.prefix_length);
}

bool is_localhost_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  for (std::string_view exact : {"localhost", "localhost.localdomain"})
    if (name.size() == exact.size() && strncasecmp(name.data(), exact.data(), exact.size()) == 0)
      return true;
  return ends_with_no_case(name, ".localhost") || ends_with_no_case(name, ".localhost.localdomain");
}

void apply_ip_address_assignment(std::string_view value, std::set<IpPrefix>& prefixes,
                                 std::vector<std::string>& warnings) {
  if (value.empty()) {
    prefixes.clear();
    return;
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
    if (word == "any") {
      prefixes.insert(make("0.0.0.0", 0));
      prefixes.insert(make("::", 0));
    } else if (is_localhost_name(word)) {
      prefixes.insert(make("127.0.0.0", 8));
      prefixes.insert(make("::1", 128));
    } else if (word == "link-local") {
      prefixes.insert(make("169.254.0.0", 16));
      prefixes.insert(make("fe80::", 64));
    } else if (word == "multicast") {
      prefixes.insert(make("224.0.0.0", 4));
      prefixes.insert(make("ff00::", 8));
    } else if (std::optional<IpPrefix> p = parse_ip_prefix(word)) {
      prefixes.insert(*p);
    } else {
      warnings.push_back("Address prefix is invalid, ignoring assignment: " + word);
    }
  }
}

}  // namespace hardnut
