#include "directives/namespaces.h"

#include <strings.h>

#include "base/values.h"

namespace hardnut {

namespace {

struct Namespace {
  const char* name;
  uint64_t flag;
};

constexpr Namespace kNamespaces[] = {
    {"cgroup", kNsCgroup}, {"ipc", kNsIpc},   {"net", kNsNet}, {"mnt", kNsMnt},
    {"pid", kNsPid},       {"user", kNsUser}, {"uts", kNsUts}, {"time", kNsTime},
};

}  // namespace

std::optional<uint64_t> namespace_flag_from_name(std::string_view name) {
  for (const Namespace& ns : kNamespaces)
    if (name == ns.name) return ns.flag;
  return std::nullopt;
}

void apply_restrict_namespaces_assignment(std::string_view value, uint64_t& allowed,
                                          std::vector<std::string>& warnings) {
  if (value.empty()) {
    allowed = kNamespaceFlagsInitial;
    return;
  }
  // The boolean test comes before "~" is stripped: "~yes" is a bad type list.
  if (std::optional<bool> b = parse_boolean(value)) {
    allowed = *b ? 0 : kNamespaceFlagsAll;
    return;
  }
  bool invert = false;
  if (value[0] == '~') {
    invert = true;
    value.remove_prefix(1);
  }
  uint64_t flags = 0;
  std::string_view rest = value;
  std::string word;
  for (;;) {
    WordResult r = extract_word(&rest, &word, Quotes::kLiteral);
    if (r == WordResult::kEnd) break;
    std::optional<uint64_t> flag;
    if (r == WordResult::kWord) flag = namespace_flag_from_name(word);
    if (!flag) {
      warnings.push_back("Failed to parse namespace type string, ignoring: " + std::string(value));
      return;
    }
    flags |= *flag;
  }
  if (allowed == kNamespaceFlagsInitial)
    allowed = invert ? kNamespaceFlagsAll & ~flags : flags;
  else if (invert)
    allowed &= ~flags;
  else
    allowed |= flags;
}

}  // namespace hardnut
