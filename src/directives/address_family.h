// Socket address family names and the RestrictAddressFamilies= value syntax
// of systemd 252.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

// "AF_INET" (any case) → its Linux number. Accepts every AF_* name of glibc's
// <sys/socket.h> (including the aliases AF_LOCAL, AF_FILE = AF_UNIX and
// AF_ROUTE = AF_NETLINK) except AF_UNSPEC and AF_MAX; no numbers, no PF_*.
std::optional<int> address_family_from_name(std::string_view name);

// The primary name of a family number ("AF_UNIX" for 1), "" if unknown.
std::string address_family_name(int family);

// The state RestrictAddressFamilies= lines build up.
struct AddressFamilyFilter {
  // True once a non-empty assignment has fixed the mode (systemd has
  // allocated its set); an empty assignment or "none" undoes this, so the
  // next non-empty assignment fixes the mode again.
  bool configured = false;
  bool allow_list = false;
  std::set<int> families;
};

// Applies one assignment: "" → no restriction (deny-list, nothing listed);
// "none" (exact) → empty allow-list; otherwise an optional "~" and AF_*
// names. The first assignment while !configured sets the mode (allow-list
// without "~"); each listed family is added if the line's polarity matches
// the mode, else removed. Warnings: "Failed to parse address family,
// ignoring: <word>" per unknown word; "Invalid syntax, ignoring: <value
// without ~>" on a quoting error (words before it still apply). Never fatal.
void apply_address_families_assignment(std::string_view value, AddressFamilyFilter& filter,
                                       std::vector<std::string>& warnings);

}  // namespace hardnut
