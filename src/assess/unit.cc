#include "assess/unit.h"

#include <cerrno>
#include <cstring>

#include "assess/effective_settings.h"
#include "directives/directives.h"
#include "directives/unit_config.h"
#include "unit/unit_file.h"

namespace hardnut {

namespace {

bool has_exec_context(const std::string& type) {
  return type == "service" || type == "socket" || type == "mount" || type == "swap";
}

// Applies one file; returns false when systemd refuses the unit because of
// it. Errors in a drop-in only end that drop-in: the unit still loads.
// `origins` and `comments` may be null: nothing is recorded then.
bool apply_file(std::string_view content, const std::string& display_path, bool is_fragment,
                const std::string& unit_type, AssignmentContext& ctx, std::string& load_error,
                std::map<std::string, std::string>* origins, std::vector<SourceComment>* comments) {
  // The handlers take std::strings: these are reused for every line.
  thread_local std::string key, value;
  std::vector<std::string> warnings, plain;
  bool result = true;
  auto located = [&](unsigned line, std::string_view m) {
    std::string s = display_path;
    s += ':';
    s += std::to_string(line);
    s += ": ";
    s += m;
    return s;
  };
  std::string fatal_error = lex_unit_file(
      content, [&](std::string_view section) { return is_known_section(unit_type, section); },
      /*keep_comments=*/comments != nullptr,
      [&](const UnitFileEventView& e) {
        if (e.kind == UnitFileEvent::kComment) {
          comments->push_back({display_path, e.line, std::string(e.value)});
          return true;
        }
        if (e.kind == UnitFileEvent::kWarning) {
          if (ctx.version && ctx.version->empty_section_header_is_invalid &&
              e.message == "Unknown section ''. Ignoring.") {
            // 258+ rejects "[]" like a malformed header: the file ends there.
            ctx.warnings.push_back(located(e.line, "Section header invalid '[]'"));
            if (!is_fragment) return false;
            load_error = "Bad message";
            result = false;
            return false;
          }
          ctx.warnings.push_back(located(e.line, e.message));
          return true;
        }
        if (e.kind == UnitFileEvent::kSection) {
          // Reports point at the section header when no directive decided a check.
          if (is_fragment && origins)
            origins->emplace("[" + std::string(e.section) + "]",
                             display_path + ":" + std::to_string(e.line));
          return true;
        }
        key.assign(e.key);
        value.assign(e.value);
        AssignmentContext line_ctx{ctx.config, ctx.specifiers, ctx.syscalls, warnings, plain};
        line_ctx.version = ctx.version;
        apply_assignment(e.section, key, value, line_ctx);
        if (origins) (*origins)[key] = display_path + ":" + std::to_string(e.line);
        for (auto& w : warnings) ctx.warnings.push_back(located(e.line, w));
        for (auto& p : plain) ctx.warnings.push_back(std::move(p));
        warnings.clear();
        plain.clear();
        if (line_ctx.fatal) {
          if (is_fragment) {
            load_error = "fatal";
            result = false;
          }
          return false;  // what the line applied before failing stays applied
        }
        return true;
      });
  if (!result) return false;
  if (!fatal_error.empty() && is_fragment) {
    load_error = fatal_error;
    return false;
  }
  return true;
}

// The checks the manager makes before it accepts a service.
std::string verify_service(const UnitConfig& c, const SystemdVersion& version) {
  std::string type = c.effective_service_type();
  // 257+: credentials keep a service without ExecStart= from defaulting to
  // Type=oneshot.
  if (version.credentials_keep_default_type_simple && !c.service_type && c.exec_start_count == 0 &&
      (!c.load_credentials.empty() || !c.set_credentials.empty() || c.imports_credentials))
    type = "simple";
  bool oneshot = type == "oneshot";
  if (c.exec_start_count == 0 && c.exec_stop_count == 0 && !c.has_success_action)
    return "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.";
  if (!oneshot && c.exec_start_count == 0)
    return "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. "
           "Refusing.";
  if (c.exec_start_count == 0 && !c.remain_after_exit && !c.has_success_action)
    return "Service has no ExecStart= and no SuccessAction= settings and does not have "
           "RemainAfterExit=yes set. Refusing.";
  if (!oneshot && c.exec_start_count > 1)
    return "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot "
           "services. Refusing.";
  if (oneshot && (c.restart == "always" || c.restart == "on-success"))
    return "Service has Restart= set to either always or on-success, which isn't allowed for "
           "Type=oneshot services. Refusing.";
  if (type == "dbus" && c.bus_name.empty())
    return "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.";
  return {};
}

// What versions after 252 refuse besides (SystemdVersion): a PID namespace
// needs a service whose main process the manager forks; a dynamic user has
// no home directory to start in.
std::string verify_newer_rules(const UnitConfig& c, const std::string& unit_type, Scope scope,
                               const SystemdVersion& version) {
  if (version.refuses_dynamic_user_in_user_scope && scope == Scope::kUser && c.exec.dynamic_user)
    return "DynamicUser= enabled for user unit, which is not supported. Refusing.";
  if (version.refuses_home_working_directory_for_dynamic_user && c.working_directory_home &&
      c.exec.dynamic_user)
    return "WorkingDirectory=~ is not allowed under DynamicUser=yes. Refusing.";
  if (version.verifies_private_pids && c.private_pids) {
    if (unit_type != "service")
      return "PrivatePIDs= setting is only supported for service units. Refusing.";
    if (c.effective_service_type() == "forking")
      return "Service of Type=forking does not support PrivatePIDs=yes. Refusing.";
  }
  return {};
}

std::string verify_socket(const UnitConfig& c) {
  if (c.listen_count == 0)
    return "Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). "
           "Refusing.";
  return {};
}

// The service a socket activates and the manager loads with it: Service=,
// else the socket's own name; none for Accept=yes (a template).
std::string triggered_service(const UnitConfig& c, const UnitName& socket) {
  if (!c.socket_service.empty()) return c.socket_service;
  if (c.socket_accept) return {};
  return socket.is_instance()
             ? with_instance(UnitName{socket.prefix, "", "service"}, socket.instance)
             : socket.prefix + ".service";
}

}  // namespace

struct UnitLoader::Loaded {
  LoadedUnit unit;
  std::string triggered_service;  // for sockets: the service loaded with them
};

// Units that claimed a D-Bus name in this run: the manager refuses a second.
static bool claim_bus_name(std::map<std::string, std::string>& owners, const std::string& name,
                           const std::string& unit) {
  auto [it, inserted] = owners.emplace(name, unit);
  return inserted || it->second == unit;
}

UnitLoader::UnitLoader(const UnitFileIndex& index, LoadOptions options)
    : index_(index), options_(std::move(options)) {}

UnitLoader::Footprint UnitLoader::take_footprint() {
  Footprint f;
  f.units = std::move(by_name_);
  f.bus_names = std::move(bus_names_);
  by_name_.clear();
  bus_names_.clear();
  return f;
}

bool UnitLoader::overlaps(const Footprint& footprint) const {
  for (const auto& entry : footprint.units)
    if (by_name_.count(entry.first)) return true;
  for (const auto& entry : footprint.bus_names)
    if (bus_names_.count(entry.first)) return true;
  return false;
}

void UnitLoader::adopt(Footprint footprint) {
  by_name_.merge(footprint.units);
  bus_names_.merge(footprint.bus_names);
}

const LoadedUnit& UnitLoader::load(const std::string& name, std::vector<std::string>& fresh) {
  // Without memory each unit is judged alone, also for the D-Bus names
  // claimed (else the outcome would depend on which worker loaded what).
  if (!options_.remember_units && depth_ == 0) {
    by_name_.clear();
    bus_names_.clear();
  }
  auto it = by_name_.find(name);
  if (it != by_name_.end()) return it->second->unit;
  std::shared_ptr<Loaded> loaded = load_files(name, fresh);
  by_name_[name] = loaded;
  if (!loaded->unit.settings.unit_id.empty())
    by_name_.emplace(loaded->unit.settings.unit_id, loaded);
  if (!loaded->triggered_service.empty()) {
    ++depth_;
    load(loaded->triggered_service, fresh);
    --depth_;
  }
  last_ = loaded;
  return loaded->unit;
}

void UnitLoader::read_masked_dropins(const UnitFiles& files,
                                     std::vector<std::string>& fresh) const {
  if (options_.version && !options_.version->reads_masked_dropins) return;
  UnitConfig config;
  config.exec.unit_id = files.id;
  config.exec.unit_type = files.name.type;
  SpecifierContext spec{files.name, "", options_.scope == Scope::kUser};
  std::vector<std::string> warnings, plain;
  AssignmentContext ctx{config, spec, *options_.syscalls, warnings, plain};
  ctx.version = options_.version;
  std::string load_error;
  for (const auto& d : files.dropins) {
    std::string content;
    if (d.fs->read_file(d.path, content, kMaxUnitFileSize) != 0) continue;
    apply_file(content, d.display_path, false, files.name.type, ctx, load_error, nullptr, nullptr);
  }
  for (auto& w : warnings) fresh.push_back(std::move(w));
}

std::shared_ptr<UnitLoader::Loaded> UnitLoader::load_files(const std::string& requested,
                                                           std::vector<std::string>& fresh) {
  auto loaded = std::make_shared<Loaded>();
  LoadedUnit& out = loaded->unit;
  UnitFiles files;
  switch (index_.lookup(requested, files)) {
    case LookupStatus::kNotFound:
      out.status_message = "Unit " + requested + " not found.";
      return loaded;
    case LookupStatus::kMasked:
      read_masked_dropins(files, fresh);
      // An alias is reported under the masked unit it leads to.
      out.status_message = "Unit " + files.id + " is masked.";
      return loaded;
    case LookupStatus::kFound:
      break;
  }
  const std::string& id = files.id;
  const std::string type = files.name.type;
  out.settings.unit_id = id;
  if (auto cached = by_name_.find(id); cached != by_name_.end() && cached->second) {
    // An alias of a unit loaded before.
    return cached->second;
  }

  out.fragment_path = files.fragment->display_path;
  std::string fragment;
  int err = files.fragment->fs->read_file(files.fragment->path, fragment, kMaxUnitFileSize);
  if (err != 0 && err != EFBIG) {
    // The manager cannot open the fragment (EACCES, ...): it says so and
    // treats the unit as one without a file.
    fresh.push_back(id + ": Failed to open " + files.fragment->display_path + ": " +
                    std::strerror(err));
    out.status_message = "Unit " + requested + " not found.";
    return loaded;
  }
  if (err != 0) {
    out.status_message = "Unit " + id +
                         " failed to load properly, please adjust/correct and reload service "
                         "manager: " +
                         std::strerror(err);
    return loaded;
  }
  if (fragment.empty()) {
    read_masked_dropins(files, fresh);
    out.status_message = "Unit " + id + " is masked.";
    return loaded;
  }

  UnitConfig config;
  config.exec.unit_id = id;
  config.exec.unit_type = type;
  // Specifiers expand with the name the unit was asked for, even an alias.
  SpecifierContext spec{*parse_unit_name(requested), files.fragment->display_path,
                        options_.scope == Scope::kUser};
  std::vector<std::string> warnings, plain;
  AssignmentContext ctx{config, spec, *options_.syscalls, warnings, plain};
  ctx.version = options_.version;

  std::string load_error;
  auto* origins = options_.record_sources ? &out.origins : nullptr;
  auto* comments = options_.record_sources ? &out.comments : nullptr;
  bool ok = apply_file(fragment, files.fragment->display_path, true, type, ctx, load_error, origins,
                       comments);
  // systemd adopts the fragment's own name only after the fragment parsed, so
  // an alias whose fragment fails is reported under the alias.
  const std::string& failed_name = ok ? id : requested;
  // Drop-ins are read after the unit took its fragment's name: their %n, %N,
  // ... expand to it, not to the alias it was asked by.
  if (auto own = parse_unit_name(id)) spec.name = *own;
  if (ok)
    for (const auto& [kind, problem] : files.dependency_link_problems)
      warnings.push_back(id + ": " + kind + " dependency dropin " + problem);
  for (size_t i = 0; ok && i < files.dropins.size(); ++i) {
    const auto& d = files.dropins[i];
    std::string content;
    if (d.fs->read_file(d.path, content, kMaxUnitFileSize) != 0) continue;
    ok = apply_file(content, d.display_path, false, type, ctx, load_error, origins, comments);
  }
  if (ok && !options_.extra_lines.empty()) {
    std::string content = "[" + type_section(type) + "]\n";
    for (const auto& l : options_.extra_lines) content += l + "\n";
    ok = apply_file(content, "<--set>", false, type, ctx, load_error, origins, comments);
  }
  for (auto& w : warnings) fresh.push_back(std::move(w));
  if (!ok) {
    if (load_error == "fatal") {
      fresh.push_back(failed_name +
                      ": Unit configuration has fatal error, unit will not be started.");
      out.status_message = "Unit " + failed_name + " has a bad unit file setting.";
    } else {
      out.status_message = "Unit " + failed_name +
                           " failed to load properly, please adjust/correct and reload service "
                           "manager: " +
                           load_error;
    }
    return loaded;
  }
  if (type == "socket") loaded->triggered_service = triggered_service(config, files.name);
  if (type == "service" && !config.bus_name.empty() &&
      !claim_bus_name(bus_names_, config.bus_name, id)) {
    fresh.push_back("Failed to put bus name to hashmap: File exists");
    fresh.push_back(id + ": Two services allocated for the same bus name " + config.bus_name +
                    ", refusing operation.");
    out.status_message = "Unit " + id +
                         " failed to load properly, please adjust/correct and reload service "
                         "manager: File exists";
    return loaded;
  }
  const SystemdVersion& version = options_.version ? *options_.version : default_systemd_version();
  std::string refusal = type == "service"  ? verify_service(config, version)
                        : type == "socket" ? verify_socket(config)
                                           : std::string();
  if (refusal.empty()) refusal = verify_newer_rules(config, type, options_.scope, version);
  if (!refusal.empty()) {
    fresh.push_back(id + ": " + refusal);
    out.status_message = "Unit " + id + " has a bad unit file setting.";
    return loaded;
  }
  if (has_exec_context(type)) {
    out.settings = effective_settings(config, options_.scope, options_.process_umask, version);
  } else {
    // Units without an execution context keep the analyser's defaults.
    out.settings = ExecSettings{};
    out.settings.unit_id = id;
    out.settings.unit_type = type;
    out.settings.default_dependencies = config.exec.default_dependencies;
    out.settings.keyring_mode = "";
    out.settings.notify_access = "";
    out.settings.umask = 0002;
  }
  out.ok = true;
  return loaded;
}

}  // namespace hardnut
