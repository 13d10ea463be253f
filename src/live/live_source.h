// Live mode's connection to a running systemd manager (sd-bus): the unit
// list and the properties the assessment needs, fetched with many calls in
// flight on one connection instead of one round trip after another.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "live/live_properties.h"
#include "model/systemd_version.h"
#include "unit/unit_paths.h"

typedef struct sd_bus sd_bus;

namespace hardnut {

// Which manager: the local system or user manager, one reached over ssh
// (-H/--host=) or the system manager of a local container (-M/--machine=).
enum class LiveTransport { kLocal, kRemote, kMachine };

struct LiveTarget {
  Scope scope = Scope::kSystem;
  LiveTransport transport = LiveTransport::kLocal;
  std::string host;  // "[user@]host[:port]" or the machine name
};

// A unit as ListUnits reports it.
struct ListedUnit {
  std::string id;
  std::string load_state;
};

// The properties of one unit, or why they could not be read.
struct UnitReadResult {
  bool ok = false;
  std::string error;  // the bus error's message, as systemd prints it
  LiveProperties properties;
};

// How the properties of a unit are fetched; every strategy pipelines.
enum class FetchStrategy {
  kGetEach,        // one Properties.Get per property the checks read
  kGetAllService,  // GetAll of the Service interface + Gets of the 2-3 Unit properties
  kGetAllAny,      // GetAll of every interface, what systemd-analyze sends
};

class LiveConnection {
 public:
  // Connects as systemd-analyze 252 does: the local system manager through
  // its private socket when root (else the system bus), and only if the
  // system was booted with systemd; the user manager through
  // $XDG_RUNTIME_DIR/systemd/private, else the user bus. On failure returns
  // nullptr and sets `error` to the lines systemd-analyze prints, each
  // ending in "\n".
  // `version` words the errors.
  static std::unique_ptr<LiveConnection> open(const LiveTarget& target,
                                              const std::map<std::string, std::string>& env,
                                              const SystemdVersion& version, std::string& error);
  ~LiveConnection();
  LiveConnection(const LiveConnection&) = delete;
  LiveConnection& operator=(const LiveConnection&) = delete;

  // Whether a systemd manager answers (reads its Version property, stored
  // in `version` when given: "252.39-1~deb12u2").
  bool ping(std::string& error, std::string* version = nullptr);

  // Every unit the manager has loaded (ListUnits: one entry per unit, no
  // aliases). On failure returns false and sets `error` to the bus
  // error's message.
  bool list_units(std::vector<ListedUnit>& units, std::string& error);

  // Reads the properties of the named units (loading them on demand, as
  // the manager does for any unit object asked for), with up to window()
  // calls in flight. Results are in the order of `names`. Without
  // `canonical_ids` the Id property is not asked for and taken to be the
  // name: right for names ListUnits returned, which are the units' own.
  std::vector<UnitReadResult> read_units(const std::vector<std::string>& names,
                                         FetchStrategy strategy, bool canonical_ids);

  // How many calls may be in flight at once; 1 reads one after another.
  size_t window() const { return window_; }
  void set_window(size_t window) { window_ = window ? window : 1; }

 private:
  LiveConnection(sd_bus* bus, size_t window) : bus_(bus), window_(window) {}
  sd_bus* bus_;
  size_t window_;
};

// The D-Bus object path of a unit ("/org/freedesktop/systemd1/unit/foo_2eservice").
std::string unit_object_path(const std::string& unit);

}  // namespace hardnut
