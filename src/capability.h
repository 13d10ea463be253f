// Linux capability names and the CapabilityBoundingSet=/AmbientCapabilities=
// value syntax of systemd 252. Also home of the word splitter and number
// syntax that all composite-directive parsers share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

// ---- Shared by the composite-directive parsers --------------------------

// How extract_word() treats quotes. Backslash always escapes the next
// character (no C escapes: "\t" is a plain "t").
enum class Quotes {
  kLiteral,  // quotes are ordinary characters (RestrictNamespaces=, IPAddress*=, SystemCallFilter=)
  kUnquote,  // '…' and "…" group words and are removed (capabilities, address families, archs)
};

enum class WordResult { kWord, kEnd, kSyntaxError };

// Takes the next whitespace-separated word off the front of *rest (systemd's
// extract_first_word). kSyntaxError: an unterminated quote or a trailing
// lone backslash; *rest is then unspecified.
WordResult extract_word(std::string_view* rest, std::string* word, Quotes quotes);

// systemd's number syntax for signed/unsigned integers: leading whitespace,
// "0b"/"0o" prefixes, otherwise strtol base 0 (so "0x10", "010" = 8, "+5").
// The unsigned form rejects negative numbers except "-0".
std::optional<int64_t> parse_signed(std::string_view s);
std::optional<uint64_t> parse_unsigned(std::string_view s);

// ---- Capabilities ----------------------------------------------------------

// The highest capability systemd 252 knows by name (CAP_CHECKPOINT_RESTORE).
constexpr int kCapLastKnown = 40;

// "CAP_KILL" (any case) or a number 0…63 in parse_signed() syntax → the
// capability number. Names without the CAP_ prefix are not accepted.
std::optional<int> capability_from_name(std::string_view name);

// The lower-case name ("cap_kill") as systemd prints it; "" for numbers
// without a name (41…63), which systemd's unit dump silently omits.
std::string capability_name(int cap);

// Applies one CapabilityBoundingSet= (initial = all ones) or
// AmbientCapabilities= (initial = 0) assignment to *current. Unknown names
// are skipped silently; a quoting error silently ends the list (the words
// before it still count). Never warns and is never fatal; `warnings` is
// there for a uniform signature.
void apply_capability_assignment(std::string_view value, uint64_t initial, uint64_t& current,
                                 std::vector<std::string>& warnings);

}  // namespace hardnut
