#include "directives/address_family.h"

#include <strings.h>

#include "base/values.h"

namespace hardnut {

namespace {

struct Family {
  const char* name;
  int number;
};

// glibc 2.36 <sys/socket.h>, Linux numbering. Primary names come first.
constexpr Family kFamilies[] = {
    {"AF_UNIX", 1},     {"AF_LOCAL", 1},      {"AF_FILE", 1},        {"AF_INET", 2},
    {"AF_AX25", 3},     {"AF_IPX", 4},        {"AF_APPLETALK", 5},   {"AF_NETROM", 6},
    {"AF_BRIDGE", 7},   {"AF_ATMPVC", 8},     {"AF_X25", 9},         {"AF_INET6", 10},
    {"AF_ROSE", 11},    {"AF_DECnet", 12},    {"AF_NETBEUI", 13},    {"AF_SECURITY", 14},
    {"AF_KEY", 15},     {"AF_NETLINK", 16},   {"AF_ROUTE", 16},      {"AF_PACKET", 17},
    {"AF_ASH", 18},     {"AF_ECONET", 19},    {"AF_ATMSVC", 20},     {"AF_RDS", 21},
    {"AF_SNA", 22},     {"AF_IRDA", 23},      {"AF_PPPOX", 24},      {"AF_WANPIPE", 25},
    {"AF_LLC", 26},     {"AF_IB", 27},        {"AF_MPLS", 28},       {"AF_CAN", 29},
    {"AF_TIPC", 30},    {"AF_BLUETOOTH", 31}, {"AF_IUCV", 32},       {"AF_RXRPC", 33},
    {"AF_ISDN", 34},    {"AF_PHONET", 35},    {"AF_IEEE802154", 36}, {"AF_CAIF", 37},
    {"AF_ALG", 38},     {"AF_NFC", 39},       {"AF_VSOCK", 40},      {"AF_KCM", 41},
    {"AF_QIPCRTR", 42}, {"AF_SMC", 43},       {"AF_XDP", 44},        {"AF_MCTP", 45},
};

}  // namespace

std::optional<int> address_family_from_name(std::string_view name) {
  for (const Family& f : kFamilies) {
    std::string_view known = f.name;
    if (known.size() == name.size() && strncasecmp(known.data(), name.data(), name.size()) == 0)
      return f.number;
  }
  return std::nullopt;
}

std::string address_family_name(int family) {
  for (const Family& f : kFamilies)
    if (f.number == family) return f.name;
  return "";
}

void apply_address_families_assignment(std::string_view value, AddressFamilyFilter& filter,
                                       std::vector<std::string>& warnings) {
  if (value.empty() || value == "none") {
    filter.configured = false;
    filter.allow_list = !value.empty();
    filter.families.clear();
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
    std::optional<int> af = address_family_from_name(word);
    if (!af) {
      warnings.push_back("Failed to parse address family, ignoring: " + word);
      continue;
    }
    if (invert != filter.allow_list)
      filter.families.insert(*af);
    else
      filter.families.erase(*af);
  }
}

}  // namespace hardnut
