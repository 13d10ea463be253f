// Inline suppressions: a comment in a unit file or one of its drop-ins
//
//   # hardnut: ignore=PrivateNetwork,RestrictAddressFamilies_* reason="serves the LAN"
//
// excludes checks of that unit from hardnut's own findings (SARIF, Prometheus,
// the scan document), with the reason shown there. The unit's exposure is
// not changed: it stays the number systemd-analyze prints, and the
// systemd-compatible outputs (text, --json=) never look at suppressions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assess/checks.h"
#include "assess/unit.h"

namespace hardnut {

struct Suppression {
  std::string check;   // a check id (json_field), or a prefix ending in '*'
  std::string reason;  // never empty: a suppression must say why
  std::string file;    // where the comment is
  unsigned line = 0;
};

struct Suppressions {
  std::vector<Suppression> entries;
  // Comments that look like suppressions but are not valid ones, as
  // "file:line: hardnut: ..." messages; they suppress nothing.
  std::vector<std::string> problems;

  // The first suppression that covers the check id, or nullptr.
  const Suppression* find(std::string_view check_id) const;
};

// The suppressions among a unit's comments; ids are checked against `checks`.
Suppressions parse_suppressions(const std::vector<SourceComment>& comments,
                                const std::vector<Check>& checks);

}  // namespace hardnut
