// The addresses of a socket unit's Listen*= settings, as far as systemd
// needs them to accept or refuse the socket.
#pragma once

#include <string>

namespace hardnut {

// Whether systemd parses VALUE as a ListenStream=/ListenDatagram=/
// ListenSequentialPacket= address. On failure `error` is the strerror()
// text systemd prints ("Invalid argument", "Numerical result out of range").
bool is_valid_socket_address(const std::string& value, std::string& error);

// ListenNetlink=: "FAMILY [GROUP]".
bool is_valid_netlink_address(const std::string& value);

}  // namespace hardnut
