// The checks of `systemd-analyze security` (systemd 252): one row of data
// per check, in systemd's definition order, and the rules that score them.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/exec_settings.h"
#include "model/syscall_filter.h"
#include "model/systemd_version.h"

namespace hardnut {

// Badness of a check that does not apply to the unit.
constexpr uint64_t kNotApplicable = std::numeric_limits<uint64_t>::max();

// A row's description, or none. Almost always a string with static storage
// (a rule's literal, a check table entry), which is borrowed, not copied:
// scoring a unit makes some 80 of them. A description a rule composes, or a
// security policy's, is owned.
class DescriptionText {
 public:
  DescriptionText() = default;
  DescriptionText(const DescriptionText& o) { *this = o; }
  DescriptionText(DescriptionText&&) noexcept = default;
  DescriptionText& operator=(const DescriptionText& o) {
    if (this == &o) return *this;
    if (o.owned_) {
      owned_ = std::make_unique<std::string>(*o.owned_);
      view_ = *owned_;
    } else {
      owned_.reset();
      view_ = o.view_;
    }
    return *this;
  }
  DescriptionText& operator=(DescriptionText&&) noexcept = default;

  // `text` must have static storage: a literal, or a table built once.
  static DescriptionText borrowed(std::string_view text) {
    DescriptionText d;
    d.view_ = text.data() ? text : std::string_view("");
    return d;
  }
  static DescriptionText owned(std::string text) {
    DescriptionText d;
    d.owned_ = std::make_unique<std::string>(std::move(text));
    d.view_ = *d.owned_;  // the string stays where it is when this moves
    return d;
  }
  bool has_value() const { return view_.data() != nullptr; }
  explicit operator bool() const { return has_value(); }
  bool is_borrowed() const { return has_value() && !owned_; }
  // The text; empty when there is none.
  std::string_view operator*() const { return view_; }
  std::string value_or(std::string_view fallback) const {
    return std::string(has_value() ? view_ : fallback);
  }
  bool operator==(const DescriptionText& o) const {
    return has_value() == o.has_value() && view_ == o.view_;
  }

 private:
  std::string_view view_;  // data() == nullptr: no description
  std::unique_ptr<std::string> owned_;
};

struct CheckOutcome {
  uint64_t badness = 0;
  // A description computed by the rule; wins over the table's strings.
  DescriptionText description;
};

struct Check;

// What a rule may consult besides the settings.
struct RuleContext {
  const SyscallTable& syscalls;
  bool online = false;  // live mode classifies IPAddressAllow= differently
  // The version whose wording and rules apply; nullptr: 252.
  const SystemdVersion* version = nullptr;
};

using Rule = CheckOutcome (*)(const ExecSettings&, const Check&, const RuleContext&);

struct Check {
  std::string_view name;        // "PrivateDevices=" (the NAME column)
  std::string_view json_field;  // "PrivateDevices"
  std::string_view url_anchor;  // directive the NAME links to in systemd.exec(5)
  unsigned weight;
  unsigned range;
  bool default_dependencies_only;  // n/a when DefaultDependencies=no
  std::string_view description_good;
  std::string_view description_bad;
  std::string_view description_na;
  Rule rule;
  // Rule parameters: the boolean setting, capability mask, namespace flag or
  // address family group, and the syscall group.
  bool ExecSettings::*setting = nullptr;
  uint64_t bits = 0;
  std::string_view syscall_group = {};
};

// The 81 checks of systemd 252, in definition order.
const std::vector<Check>& checks_v252();

// The checks of a version: 252's table without the checks it lacks, with
// its names and descriptions (SystemdVersion).
const std::vector<Check>& checks_for(const SystemdVersion& version);

}  // namespace hardnut
