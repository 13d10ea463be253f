// The value syntax unit-file settings share: booleans, numbers, time
// spans, words with quotes and escapes, and paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

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

// All the words of a value, quotes removed; nullopt on an open quote.
std::optional<std::vector<std::string>> unquoted_words(std::string_view value);

// An octal file mode of up to 8 digits, at most 07777.
std::optional<unsigned> parse_mode(std::string_view v);

// systemd's number syntax for signed/unsigned integers: leading whitespace,
// "0b"/"0o" prefixes, otherwise strtol base 0 (so "0x10", "010" = 8, "+5").
// The unsigned form rejects negative numbers except "-0".
std::optional<int64_t> parse_signed(std::string_view s);
std::optional<uint64_t> parse_unsigned(std::string_view s);

// systemd's booleans: 1 yes y true t on / 0 no n false f off, any case.
std::optional<bool> parse_boolean(std::string_view v);

// systemd's time span syntax: "infinity", or numbers with optional units
// ("1h 30min", "1.5s", "500ms").
bool is_valid_timespan(std::string_view v);

bool is_absolute_path(std::string_view p);

// systemd's path_simplify(): no duplicate slashes, no "." components, no
// trailing slash. ".." components stay.
std::string simplify_path(std::string_view p);

// Whether a path has a ".." component (systemd calls it "not normalized").
bool has_dotdot(std::string_view p);

}  // namespace hardnut
