#include "directive_syntax.h"

#include "values.h"

namespace hardnut {

void check_value_syntax(std::string_view, const std::string&, std::string_view type,
                        const std::string& value, const SpecifierContext&,
                        std::vector<std::string>& warnings) {
  if (type == "BOOLEAN") {
    if (!parse_boolean(value))
      warnings.push_back("Failed to parse boolean value, ignoring: " + value);
  } else if (type == "SECONDS") {
    if (!is_valid_timespan(value))
      warnings.push_back("Failed to parse sec value, ignoring: " + value);
  } else if (type == "UNSIGNED") {
    if (!parse_unsigned(value))
      warnings.push_back("Failed to parse unsigned value, ignoring: " + value);
  }
}

}  // namespace hardnut
