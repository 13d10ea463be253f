#include "live/live_source.h"

#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>

namespace hardnut {

namespace {

constexpr const char* kDestination = "org.freedesktop.systemd1";
constexpr const char* kUnitInterface = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceInterface = "org.freedesktop.systemd1.Service";
constexpr const char* kPropertiesInterface = "org.freedesktop.DBus.Properties";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerInterface = "org.freedesktop.systemd1.Manager";

// ---- property readers: the message is positioned inside the variant ----

int read(sd_bus_message* m, std::string& out) {
  const char* s = nullptr;
  int r = sd_bus_message_read_basic(m, 's', &s);
  if (r > 0) out = s ? s : "";
  return r;
}

int read(sd_bus_message* m, bool& out) {
  int b = 0;
  int r = sd_bus_message_read_basic(m, 'b', &b);
  if (r > 0) out = b != 0;
  return r;
}

int read(sd_bus_message* m, uint64_t& out) { return sd_bus_message_read_basic(m, 't', &out); }
int read(sd_bus_message* m, uint32_t& out) { return sd_bus_message_read_basic(m, 'u', &out); }

int read(sd_bus_message* m, std::vector<std::string>& out) {
  int r = sd_bus_message_enter_container(m, 'a', "s");
  if (r <= 0) return r < 0 ? r : -EBADMSG;
  out.clear();
  const char* s;
  while ((r = sd_bus_message_read_basic(m, 's', &s)) > 0) out.emplace_back(s);
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

// (bas): RestrictAddressFamilies=, SystemCallFilter=.
int read_flagged_list(sd_bus_message* m, bool& flag, std::vector<std::string>& list) {
  int r = sd_bus_message_enter_container(m, 'r', "bas");
  if (r <= 0) return r < 0 ? r : -EBADMSG;
  if ((r = read(m, flag)) < 0) return r;
  if ((r = read(m, list)) < 0) return r;
  return sd_bus_message_exit_container(m);
}

int read_device_allow(sd_bus_message* m, LiveProperties& p) {
  int r = sd_bus_message_enter_container(m, 'a', "(ss)");
  if (r <= 0) return r < 0 ? r : -EBADMSG;
  p.device_allow.clear();
  const char *path, *perms;
  while ((r = sd_bus_message_read(m, "(ss)", &path, &perms)) > 0)
    p.device_allow.emplace_back(path, perms);
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

int read_ip_list(sd_bus_message* m, std::vector<BusIpEntry>& out) {
  int r = sd_bus_message_enter_container(m, 'a', "(iayu)");
  if (r <= 0) return r < 0 ? r : -EBADMSG;
  out.clear();
  while ((r = sd_bus_message_enter_container(m, 'r', "iayu")) > 0) {
    BusIpEntry e;
    const void* data = nullptr;
    size_t size = 0;
    if ((r = sd_bus_message_read_basic(m, 'i', &e.family)) < 0) return r;
    if ((r = sd_bus_message_read_array(m, 'y', &data, &size)) < 0) return r;
    if ((r = sd_bus_message_read_basic(m, 'u', &e.prefix_length)) < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
    const auto* bytes = static_cast<const uint8_t*>(data);
    e.address.assign(bytes, bytes + size);
    out.push_back(std::move(e));
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

using Reader = int (*)(sd_bus_message*, LiveProperties&);

template <auto Field>
int field(sd_bus_message* m, LiveProperties& p) {
  return read(m, p.*Field);
}

struct PropertySpec {
  const char* name;
  const char* interface;
  const char* signature;
  Reader reader;
};

using P = LiveProperties;

// The properties systemd-analyze 252 reads, except FragmentPath, which no
// check looks at.
const PropertySpec kProperties[] = {
    {"Id", kUnitInterface, "s", field<&P::id>},
    {"LoadState", kUnitInterface, "s", field<&P::load_state>},
    {"DefaultDependencies", kUnitInterface, "b", field<&P::default_dependencies>},
    {"Type", kServiceInterface, "s", field<&P::type>},
    {"NotifyAccess", kServiceInterface, "s", field<&P::notify_access>},
    {"User", kServiceInterface, "s", field<&P::user>},
    {"DynamicUser", kServiceInterface, "b", field<&P::dynamic_user>},
    {"SupplementaryGroups", kServiceInterface, "as", field<&P::supplementary_groups>},
    {"CapabilityBoundingSet", kServiceInterface, "t", field<&P::capability_bounding_set>},
    {"AmbientCapabilities", kServiceInterface, "t", field<&P::ambient_capabilities>},
    {"KeyringMode", kServiceInterface, "s", field<&P::keyring_mode>},
    {"ProtectProc", kServiceInterface, "s", field<&P::protect_proc>},
    {"ProcSubset", kServiceInterface, "s", field<&P::proc_subset>},
    {"ProtectHome", kServiceInterface, "s", field<&P::protect_home>},
    {"ProtectSystem", kServiceInterface, "s", field<&P::protect_system>},
    {"LockPersonality", kServiceInterface, "b", field<&P::lock_personality>},
    {"MemoryDenyWriteExecute", kServiceInterface, "b", field<&P::memory_deny_write_execute>},
    {"NoNewPrivileges", kServiceInterface, "b", field<&P::no_new_privileges>},
    {"ProtectHostname", kServiceInterface, "b", field<&P::protect_hostname>},
    {"PrivateDevices", kServiceInterface, "b", field<&P::private_devices>},
    {"PrivateMounts", kServiceInterface, "b", field<&P::private_mounts>},
    {"PrivateNetwork", kServiceInterface, "b", field<&P::private_network>},
    {"PrivateTmp", kServiceInterface, "b", field<&P::private_tmp>},
    {"PrivateUsers", kServiceInterface, "b", field<&P::private_users>},
    {"ProtectControlGroups", kServiceInterface, "b", field<&P::protect_control_groups>},
    {"ProtectKernelModules", kServiceInterface, "b", field<&P::protect_kernel_modules>},
    {"ProtectKernelTunables", kServiceInterface, "b", field<&P::protect_kernel_tunables>},
    {"ProtectKernelLogs", kServiceInterface, "b", field<&P::protect_kernel_logs>},
    {"ProtectClock", kServiceInterface, "b", field<&P::protect_clock>},
    {"RemoveIPC", kServiceInterface, "b", field<&P::remove_ipc>},
    {"RestrictRealtime", kServiceInterface, "b", field<&P::restrict_realtime>},
    {"RestrictSUIDSGID", kServiceInterface, "b", field<&P::restrict_suid_sgid>},
    {"Delegate", kServiceInterface, "b", field<&P::delegate>},
    {"RestrictAddressFamilies", kServiceInterface, "(bas)",
     [](sd_bus_message* m, P& p) {
       return read_flagged_list(m, p.restrict_address_families_allow_list,
                                p.restrict_address_families);
     }},
    {"RestrictNamespaces", kServiceInterface, "t", field<&P::restrict_namespaces>},
    {"RootDirectory", kServiceInterface, "s", field<&P::root_directory>},
    {"RootImage", kServiceInterface, "s", field<&P::root_image>},
    {"UMask", kServiceInterface, "u", field<&P::umask>},
    {"SystemCallArchitectures", kServiceInterface, "as", field<&P::system_call_architectures>},
    {"SystemCallFilter", kServiceInterface, "(bas)",
     [](sd_bus_message* m, P& p) {
       return read_flagged_list(m, p.system_call_filter_allow_list, p.system_call_filter);
     }},
    {"DevicePolicy", kServiceInterface, "s", field<&P::device_policy>},
    {"DeviceAllow", kServiceInterface, "a(ss)", read_device_allow},
    {"IPAddressAllow", kServiceInterface, "a(iayu)",
     [](sd_bus_message* m, P& p) { return read_ip_list(m, p.ip_address_allow); }},
    {"IPAddressDeny", kServiceInterface, "a(iayu)",
     [](sd_bus_message* m, P& p) { return read_ip_list(m, p.ip_address_deny); }},
    {"IPIngressFilterPath", kServiceInterface, "as", field<&P::ip_ingress_filter_path>},
    {"IPEgressFilterPath", kServiceInterface, "as", field<&P::ip_egress_filter_path>},
};

const PropertySpec* find_property(std::string_view name) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string_view, const PropertySpec*>;
    for (const auto& p : kProperties) (*m)[p.name] = &p;
    return m;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

// Reads a variant holding `spec`'s value; a value of another type is
// skipped (the record keeps its default).
int read_variant(sd_bus_message* m, const PropertySpec& spec, LiveProperties& p) {
  const char* contents = nullptr;
  int r = sd_bus_message_peek_type(m, nullptr, &contents);
  if (r < 0) return r;
  if (!contents || strcmp(contents, spec.signature) != 0) return sd_bus_message_skip(m, "v");
  if ((r = sd_bus_message_enter_container(m, 'v', contents)) < 0) return r;
  if ((r = spec.reader(m, p)) < 0) return r;
  return sd_bus_message_exit_container(m);
}

// A GetAll reply: a{sv}.
int read_all(sd_bus_message* m, LiveProperties& p) {
  int r = sd_bus_message_enter_container(m, 'a', "{sv}");
  if (r < 0) return r;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char* name = nullptr;
    if ((r = sd_bus_message_read_basic(m, 's', &name)) < 0) return r;
    const PropertySpec* spec = find_property(name);
    r = spec ? read_variant(m, *spec, p) : sd_bus_message_skip(m, "v");
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

std::string error_text(const sd_bus_error* e, int r) {
  if (e && e->message && *e->message) return e->message;
  return strerror(r < 0 ? -r : r);
}

// systemd's bus_check_peercred(): the private socket must belong to root
// or to us.
int check_peer(sd_bus* bus) {
  int fd = sd_bus_get_fd(bus);
  if (fd < 0) return fd;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) return -errno;
  if (len != sizeof cred) return -E2BIG;
  if (cred.uid != 0 && cred.uid != geteuid()) return -EPERM;
  return 0;
}

// A direct connection to the manager's private socket; nullptr if that fails.
sd_bus* open_private(const std::string& path) {
  sd_bus* bus = nullptr;
  if (sd_bus_new(&bus) < 0) return nullptr;
  std::string address = "unix:path=";
  for (char c : path) {
    // D-Bus address escaping: everything but [-0-9A-Za-z_/.\*] as %xx.
    if (isalnum(static_cast<unsigned char>(c)) || strchr("-_/.\\*", c)) {
      address += c;
    } else {
      char buf[4];
      snprintf(buf, sizeof buf, "%%%02x", static_cast<unsigned char>(c));
      address += buf;
    }
  }
  if (sd_bus_set_address(bus, address.c_str()) < 0 || sd_bus_start(bus) < 0 ||
      check_peer(bus) < 0) {
    sd_bus_close_unref(bus);
    return nullptr;
  }
  return bus;
}

std::string connect_error(int r, const LiveTarget& target, const SystemdVersion& version) {
  if (!version.bus_error_names_scope)
    return std::string("Failed to connect to bus: ") + strerror(-r) + "\n";
  const bool user = target.scope == Scope::kUser;
  const char* transport = target.transport == LiveTransport::kLocal    ? "local"
                          : target.transport == LiveTransport::kRemote ? "remote"
                                                                       : "machine";
  std::string why = strerror(-r);
  if (r == -ENOMEDIUM && user && target.transport == LiveTransport::kLocal)
    why =
        "$DBUS_SESSION_BUS_ADDRESS and $XDG_RUNTIME_DIR not defined (consider using "
        "--machine=<user>@.host --user to connect to bus of other user)";
  return std::string("Failed to connect to ") + (user ? "user" : "system") + " scope bus via " +
         transport + " transport: " + why + "\n";
}

// ---- the pipelined reader ----

struct Call;

struct Pipeline {
  std::vector<UnitReadResult>* results;
  std::vector<int> failed;  // per unit: the first failure already recorded
  size_t inflight = 0;
};

struct Call {
  Pipeline* pipeline;
  size_t unit;
  const PropertySpec* property;  // a Get of this property, or GetAll when null
  bool done = false;
  // Ours, not the bus's: dropping it cancels a call still pending, so no
  // reply can reach this struct once read_units() has returned.
  sd_bus_slot* slot = nullptr;
};

void record_error(Pipeline& p, size_t unit, const std::string& text) {
  UnitReadResult& res = (*p.results)[unit];
  if (!p.failed[unit]) {
    p.failed[unit] = 1;
    res.ok = false;
    res.error = text;
  }
}

int on_reply(sd_bus_message* m, void* userdata, sd_bus_error*) {
  Call* call = static_cast<Call*>(userdata);
  Pipeline& p = *call->pipeline;
  --p.inflight;
  call->done = true;
  UnitReadResult& res = (*p.results)[call->unit];
  if (sd_bus_message_is_method_error(m, nullptr)) {
    // A manager without one of the properties (another version): the
    // record keeps its default, as in systemd-analyze's GetAll.
    if (call->property &&
        sd_bus_message_is_method_error(m, "org.freedesktop.DBus.Error.UnknownProperty"))
      return 0;
    record_error(p, call->unit,
                 error_text(sd_bus_message_get_error(m), sd_bus_message_get_errno(m)));
    return 0;
  }
  int r = call->property ? read_variant(m, *call->property, res.properties)
                         : read_all(m, res.properties);
  if (r < 0) record_error(p, call->unit, strerror(-r));
  return 0;
}

}  // namespace

std::string unit_object_path(const std::string& unit) {
  char* path = nullptr;
  if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit.c_str(), &path) < 0) return {};
  std::string out = path;
  free(path);
  return out;
}

std::unique_ptr<LiveConnection> LiveConnection::open(const LiveTarget& target,
                                                     const std::map<std::string, std::string>& env,
                                                     const SystemdVersion& version,
                                                     std::string& error) {
  sd_bus* bus = nullptr;
  int r = 0;
  bool user = target.scope == Scope::kUser;
  if (target.transport != LiveTransport::kLocal && user) {
    error = connect_error(-EOPNOTSUPP, target, version);
    return nullptr;
  }
  switch (target.transport) {
    case LiveTransport::kLocal:
      if (user) {
        auto it = env.find("XDG_RUNTIME_DIR");
        if (it != env.end() && !it->second.empty())
          bus = open_private(it->second + "/systemd/private");
        if (!bus) r = sd_bus_open_user(&bus);
      } else {
        if (sd_booted() <= 0) {
          error =
              "System has not been booted with systemd as init system (PID 1). Can't operate.\n" +
              connect_error(-EHOSTDOWN, target, version);
          return nullptr;
        }
        if (geteuid() == 0) bus = open_private("/run/systemd/private");
        if (!bus) r = sd_bus_open_system(&bus);
      }
      break;
    case LiveTransport::kRemote:
      r = sd_bus_open_system_remote(&bus, target.host.c_str());
      break;
    case LiveTransport::kMachine:
      r = sd_bus_open_system_machine(&bus, target.host.c_str());
      break;
  }
  if (r < 0 || !bus) {
    error = connect_error(r < 0 ? r : -ENOTCONN, target, version);
    return nullptr;
  }
  // dbus-daemon limits the replies one connection may have pending.
  bool direct = false;
  if (sd_bus_is_bus_client(bus) == 0) direct = true;
  return std::unique_ptr<LiveConnection>(new LiveConnection(bus, direct ? 512 : 100));
}

LiveConnection::~LiveConnection() {
  sd_bus_flush(bus_);
  sd_bus_close_unref(bus_);
}

bool LiveConnection::ping(std::string& error, std::string* version) {
  // A property of the manager object rather than Peer.Ping, which any
  // D-Bus peer answers: only a systemd manager has this one.
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int r = sd_bus_call_method(bus_, kDestination, kManagerPath, kPropertiesInterface, "Get", &e,
                             &reply, "ss", kManagerInterface, "Version");
  if (r < 0) error = error_text(&e, r);
  const char* text = nullptr;
  if (r >= 0 && version && sd_bus_message_read(reply, "v", "s", &text) >= 0 && text)
    *version = text;
  sd_bus_error_free(&e);
  sd_bus_message_unref(reply);
  return r >= 0;
}

bool LiveConnection::list_units(std::vector<ListedUnit>& units, std::string& error) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int r = sd_bus_call_method(bus_, kDestination, kManagerPath, kManagerInterface, "ListUnits", &e,
                             &reply, "");
  if (r < 0) {
    error = error_text(&e, r);
    sd_bus_error_free(&e);
    return false;
  }
  units.clear();
  r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
  while (r >= 0) {
    const char *id, *description, *load_state, *active, *sub, *following, *path, *job_type,
        *job_path;
    uint32_t job_id;
    r = sd_bus_message_read(reply, "(ssssssouso)", &id, &description, &load_state, &active, &sub,
                            &following, &path, &job_id, &job_type, &job_path);
    if (r <= 0) break;
    units.push_back({id, load_state});
  }
  if (r < 0) error = strerror(-r);
  sd_bus_message_unref(reply);
  return r >= 0;
}

std::vector<UnitReadResult> LiveConnection::read_units(const std::vector<std::string>& names,
                                                       FetchStrategy strategy, bool canonical_ids) {
  std::vector<UnitReadResult> results(names.size());
  Pipeline pipeline;
  pipeline.results = &results;
  pipeline.failed.assign(names.size(), 0);

  // The calls, in order; each unit's calls are adjacent.
  std::vector<Call> calls;
  for (size_t u = 0; u < names.size(); ++u) {
    results[u].ok = true;
    results[u].properties.id = names[u];
    auto wanted = [&](const PropertySpec& spec) {
      return canonical_ids || strcmp(spec.name, "Id") != 0;
    };
    switch (strategy) {
      case FetchStrategy::kGetEach:
        for (const auto& spec : kProperties)
          if (wanted(spec)) calls.push_back({&pipeline, u, &spec});
        break;
      case FetchStrategy::kGetAllService:
        for (const auto& spec : kProperties)
          if (strcmp(spec.interface, kUnitInterface) == 0 && wanted(spec))
            calls.push_back({&pipeline, u, &spec});
        calls.push_back({&pipeline, u, nullptr});
        break;
      case FetchStrategy::kGetAllAny:
        calls.push_back({&pipeline, u, nullptr});
        break;
    }
  }
  const char* getall_interface = strategy == FetchStrategy::kGetAllAny ? "" : kServiceInterface;

  std::vector<std::string> paths(names.size());
  for (size_t u = 0; u < names.size(); ++u) paths[u] = unit_object_path(names[u]);

  size_t next = 0;
  int fatal = 0;
  auto issue = [&] {
    while (!fatal && next < calls.size() && pipeline.inflight < window_) {
      Call& c = calls[next++];
      if (pipeline.failed[c.unit]) {
        c.done = true;
        continue;
      }
      int r;
      if (c.property)
        r = sd_bus_call_method_async(bus_, &c.slot, kDestination, paths[c.unit].c_str(),
                                     kPropertiesInterface, "Get", on_reply, &c, "ss",
                                     c.property->interface, c.property->name);
      else
        r = sd_bus_call_method_async(bus_, &c.slot, kDestination, paths[c.unit].c_str(),
                                     kPropertiesInterface, "GetAll", on_reply, &c, "s",
                                     getall_interface);
      if (r < 0) {
        c.done = true;
        record_error(pipeline, c.unit, strerror(-r));
        if (r == -ENOTCONN || r == -ECONNRESET) fatal = r;
        continue;
      }
      ++pipeline.inflight;
    }
  };

  issue();
  while (pipeline.inflight > 0 && !fatal) {
    int r = sd_bus_process(bus_, nullptr);
    if (r < 0) {
      fatal = r;
      break;
    }
    if (r > 0) {
      issue();
      continue;
    }
    r = sd_bus_wait(bus_, UINT64_MAX);
    if (r < 0 && r != -EINTR) {
      fatal = r;
      break;
    }
  }
  if (fatal) {
    // The connection is gone: every unit with a call unanswered fails.
    for (size_t i = 0; i < calls.size(); ++i)
      if (!calls[i].done) record_error(pipeline, calls[i].unit, strerror(-fatal));
  }
  for (auto& c : calls) sd_bus_slot_unref(c.slot);
  return results;
}

}  // namespace hardnut
