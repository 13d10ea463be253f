// How the recorder turns what its BPF programs send into observations:
// pure functions, so that they are tested without a kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hardnut {

// `path` made absolute against `base` (when relative) and normalised
// lexically: "." and empty components dropped, ".." removes the component
// before it (never climbing above "/"). Symbolic links are not followed.
std::string absolute_normal_path(std::string_view base, std::string_view path);

// The text of a socket address as SocketUse::address has it: numeric for
// AF_INET (4 bytes) and AF_INET6 (16 bytes, network byte order), the path
// of an AF_UNIX address ("@name" for an abstract one; `sun_path` holds
// `addr_len` - 2 bytes of it), "" for any other family or no address.
std::string socket_address_text(int family, const uint8_t* addr, const char* sun_path,
                                size_t addr_len);

}  // namespace hardnut
