// Unit names: validation and the parts systemd derives from them
// (prefix, instance, type), as used for file lookup and specifiers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hardnut {

// systemd refuses longer unit names.
constexpr size_t kUnitNameMax = 256;

struct UnitName {
  std::string prefix;        // "foo" in "foo@bar.service"
  std::string instance;      // "bar"; empty for templates and plain units
  std::string type;          // "service"
  bool is_template = false;  // "foo@.service"

  bool is_instance() const { return !instance.empty(); }
  std::string full() const;           // "foo@bar.service"
  std::string template_name() const;  // "foo@.service" (instances and templates)
};

// Parses a unit name ("foo.service", "foo@.service", "foo@bar.service");
// nullopt if systemd would not accept it as a unit name.
std::optional<UnitName> parse_unit_name(std::string_view name);

bool is_known_unit_type(std::string_view type);

// The name with a different instance: "foo@.service" + "i" -> "foo@i.service".
std::string with_instance(const UnitName& name, std::string_view instance);

// "%N"-style unescaping of unit name parts ("a\x2db" -> "a-b", "-" -> "/").
std::string unescape_unit_name_part(std::string_view s);

// Path form used by %f / %I ("-" becomes "/", leading "/").
std::string unit_name_path_unescape(std::string_view s);

}  // namespace hardnut
