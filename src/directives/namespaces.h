// The RestrictNamespaces= value syntax of systemd 252. The value kept is the
// set of namespace types the unit may create, as kNs* clone flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/exec_settings.h"

namespace hardnut {

// What "no" and the complement of a "~list" mean in v252: the seven types
// without kNsTime (kAllNamespaceTypes includes time; this does not).
constexpr uint64_t kNamespaceFlagsAll =
    kNsMnt | kNsCgroup | kNsUts | kNsIpc | kNsUser | kNsPid | kNsNet;
// The unset value: "everything allowed"; empty assignments restore it.
constexpr uint64_t kNamespaceFlagsInitial = ~uint64_t{0};

// "cgroup", "ipc", "net", "mnt", "pid", "user", "uts", "time" (exact case)
// → the flag.
std::optional<uint64_t> namespace_flag_from_name(std::string_view name);

// Applies one assignment: "" → kNamespaceFlagsInitial; a true boolean → 0;
// a false boolean → kNamespaceFlagsAll; otherwise an optional "~" and type
// names. While *allowed is still kNamespaceFlagsInitial it becomes the list
// (or kNamespaceFlagsAll minus the list); later lines add (or remove) the
// listed types. Any unknown word ignores the whole line with "Failed to
// parse namespace type string, ignoring: <value without ~>". Never fatal.
void apply_restrict_namespaces_assignment(std::string_view value, uint64_t& allowed,
                                          std::vector<std::string>& warnings);

}  // namespace hardnut
