#include "unit.h"

#include <cstring>

#include "directives.h"
#include "unit_config.h"
#include "unit_file.h"

namespace hardnut {

namespace {

bool has_exec_context(const std::string& type) {
  return type == "service" || type == "socket" || type == "mount" || type == "swap";
}

// Applies one file; returns false when systemd refuses the unit because of it.
bool apply_file(const std::string& content, const std::string& display_path, bool is_fragment,
                const std::string& unit_type, AssignmentContext& ctx, std::string& load_error) {
  LexResult lexed = lex_unit_file(
      content, [&](std::string_view section) { return is_known_section(unit_type, section); });
  std::string section;
  for (const auto& e : lexed.events) {
    auto located = [&](const std::string& m) {
      return display_path + ":" + std::to_string(e.line) + ": " + m;
    };
    if (e.kind == UnitFileEvent::kWarning) {
      ctx.warnings.push_back(located(e.message));
      continue;
    }
    if (e.kind == UnitFileEvent::kSection) continue;
    std::vector<std::string> warnings, plain;
    AssignmentContext line_ctx{ctx.config, ctx.specifiers, ctx.syscalls, warnings, plain};
    // A fatal value in a drop-in is ignored; in the fragment it stops parsing.
    UnitConfig before = is_fragment ? UnitConfig{} : ctx.config;
    apply_assignment(e.section, e.key, e.value, line_ctx);
    for (auto& w : warnings) ctx.warnings.push_back(located(w));
    for (auto& p : plain) ctx.warnings.push_back(p);
    if (line_ctx.fatal) {
      if (is_fragment) {
        load_error = "fatal";
        return false;
      }
      ctx.config = std::move(before);
    }
  }
  if (!lexed.fatal_error.empty()) {
    load_error = lexed.fatal_error;
    return false;
  }
  return true;
}

std::string verify_service(const UnitConfig& c) {
  if (c.exec_start_count == 0 && !c.has_exec_stop && !c.has_success_action)
    return "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.";
  if (c.service_type != "oneshot" && c.exec_start_count == 0)
    return "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. "
           "Refusing.";
  if (c.service_type != "oneshot" && c.exec_start_count > 1)
    return "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot "
           "services. Refusing.";
  if (c.service_type == "oneshot" && c.restart != "no" && c.restart != "on-failure" &&
      c.restart != "on-abnormal" && c.restart != "on-watchdog" && c.restart != "on-abort")
    return "Service has Restart= set to either always or on-success, which isn't allowed for "
           "Type=oneshot services. Refusing.";
  if (c.service_type == "dbus" && c.bus_name.empty())
    return "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.";
  return {};
}

}  // namespace

LoadedUnit load_unit(const UnitFileIndex& index, const std::string& requested,
                     const LoadOptions& options) {
  LoadedUnit out;
  UnitFiles files;
  switch (index.lookup(requested, files)) {
    case LookupStatus::kNotFound:
      out.messages.push_back("Unit " + requested + " not found.");
      return out;
    case LookupStatus::kMasked:
      out.messages.push_back("Unit " + requested + " is masked.");
      return out;
    case LookupStatus::kFound:
      break;
  }
  const std::string& id = files.id;
  const std::string type = files.name.type;

  std::string fragment;
  int err = files.fragment->fs->read_file(files.fragment->path, fragment, kMaxUnitFileSize);
  if (err != 0) {
    out.messages.push_back("Unit " + id + " failed to load properly, please adjust/correct and reload "
                           "service manager: " + std::strerror(err));
    return out;
  }
  if (fragment.empty()) {
    out.messages.push_back("Unit " + requested + " is masked.");
    return out;
  }

  UnitConfig config;
  config.exec.unit_id = id;
  config.exec.unit_type = type;
  SpecifierContext spec{files.name, files.fragment->display_path, options.scope == Scope::kUser};
  std::vector<std::string> warnings, plain;
  AssignmentContext ctx{config, spec, *options.syscalls, warnings, plain};

  std::string load_error;
  bool ok = apply_file(fragment, files.fragment->display_path, true, type, ctx, load_error);
  for (size_t i = 0; ok && i < files.dropins.size(); ++i) {
    const auto& d = files.dropins[i];
    std::string content;
    if (d.fs->read_file(d.path, content, kMaxUnitFileSize) != 0) continue;
    ok = apply_file(content, d.display_path, false, type, ctx, load_error);
  }
  if (ok && !options.extra_lines.empty()) {
    std::string content = "[" + type_section(type) + "]\n";
    for (const auto& l : options.extra_lines) content += l + "\n";
    ok = apply_file(content, "<--set>", false, type, ctx, load_error);
  }
  out.messages = std::move(warnings);
  if (!ok) {
    if (load_error == "fatal") {
      out.messages.push_back(id + ": Unit configuration has fatal error, unit will not be started.");
      out.messages.push_back("Unit " + id + " has a bad unit file setting.");
    } else {
      out.messages.push_back("Unit " + id + " failed to load properly, please adjust/correct and "
                             "reload service manager: " + load_error);
    }
    return out;
  }
  if (type == "service") {
    std::string refusal = verify_service(config);
    if (!refusal.empty()) {
      out.messages.push_back(id + ": " + refusal);
      out.messages.push_back("Unit " + id + " has a bad unit file setting.");
      return out;
    }
  }
  if (has_exec_context(type)) {
    out.settings = effective_settings(config, options.scope, options.process_umask);
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
  return out;
}

}  // namespace hardnut
