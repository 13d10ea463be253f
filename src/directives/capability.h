// Linux capability names and the CapabilityBoundingSet=/AmbientCapabilities=
// value syntax of systemd 252.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut {

// ---- Capabilities ----------------------------------------------------------

// The highest capability systemd 252 knows by name (CAP_CHECKPOINT_RESTORE).
constexpr int kCapLastKnown = 40;

// "CAP_KILL" (any case) or a number 0…max_number in parse_signed() syntax
// → the capability number. Names without the CAP_ prefix are not accepted.
std::optional<int> capability_from_name(std::string_view name, int max_number = 63);

// The lower-case name ("cap_kill") as systemd prints it; "" for numbers
// without a name (41…63), which systemd's unit dump silently omits.
std::string capability_name(int cap);

// Applies one CapabilityBoundingSet= (initial = all ones) or
// AmbientCapabilities= (initial = 0) assignment to *current. Unknown names
// are skipped silently; a quoting error silently ends the list (the words
// before it still count). Never warns and is never fatal; `warnings` is
// there for a uniform signature. Numbers above `max_number` are unknown.
void apply_capability_assignment(std::string_view value, uint64_t initial, uint64_t& current,
                                 std::vector<std::string>& warnings, int max_number = 63);

}  // namespace hardnut
