// Data files from data/ compiled into the binary (syscall groups, the list
// of known directives), so hardnut needs nothing installed beside it.
#pragma once

#include <string_view>

namespace hardnut {

// The content of data/NAME; empty if there is no such file.
std::string_view embedded_file(std::string_view name);

}  // namespace hardnut
