// The IPAddressAllow=/IPAddressDeny= value syntax of systemd 252. Also
// defines IpPrefix's comparison operators (declared in exec_settings.h).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/exec_settings.h"

namespace hardnut {

// "ADDR" or "ADDR/LEN" (strict inet_pton syntax, IPv4 tried first; LEN in
// systemd number syntax, e.g. "8", "+8", "0x8", "010"; at most 32 or 128),
// with the address masked to LEN bits. No special words.
std::optional<IpPrefix> parse_ip_prefix(std::string_view text);

// "10.0.0.0/8", "::1/128" — the form systemd's unit dump prints.
std::string format_ip_prefix(const IpPrefix& prefix);

// systemd's is_localhost(): "localhost", "localhost.localdomain", names
// ending in ".localhost" or ".localhost.localdomain", each optionally with a
// trailing dot; case-insensitive.
bool is_localhost_name(std::string_view name);

// Applies one assignment to `prefixes`: "" clears; otherwise each
// whitespace-separated word (backslash escapes, quotes are literal) is
// "any" (0.0.0.0/0, ::/0), a localhost name (127.0.0.0/8, ::1/128),
// "link-local" (169.254.0.0/16, fe80::/64), "multicast" (224.0.0.0/4,
// ff00::/8) — the three words exact case — or a prefix; anything else warns
// "Address prefix is invalid, ignoring assignment: <word>" and the other
// words still apply. Never fatal.
void apply_ip_address_assignment(std::string_view value, std::set<IpPrefix>& prefixes,
                                 std::vector<std::string>& warnings);

}  // namespace hardnut
