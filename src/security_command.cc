#include "security_command.h"

#include <langinfo.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstring>
#include <memory>

#include "assessment.h"
#include "checks.h"
#include "embedded_data.h"
#include "loader.h"
#include "policy.h"
#include "root_fs.h"
#include "unit.h"
#include "values.h"

extern char** environ;

namespace hardnut {

namespace {

std::string var(const Environment& env, const std::string& key) {
  auto it = env.vars.find(key);
  return it == env.vars.end() ? std::string() : it->second;
}

bool has_var(const Environment& env, const std::string& key) { return env.vars.count(key) > 0; }

bool locale_is_utf8(const Environment& env) {
  if (has_var(env, "SYSTEMD_UTF8")) {
    if (auto b = parse_boolean(var(env, "SYSTEMD_UTF8"))) return *b;
  }
  const char* codeset = nl_langinfo(CODESET);
  if (codeset && strcmp(codeset, "UTF-8") == 0) return true;
  const char* ctype = setlocale(LC_CTYPE, nullptr);
  return ctype && (strcmp(ctype, "C") == 0 || strcmp(ctype, "POSIX") == 0);
}

std::string absolute(const std::string& path, const std::string& cwd) {
  return normalize_path(path.empty() || path[0] != '/' ? cwd + "/" + path : path);
}

// The policy file: --security-policy=, else the first one installed.
bool load_policy(const SecurityOptions& o, const RootFs& fs, Policy& policy, std::string& err) {
  std::string path = o.policy_path;
  const RootFs* from = &fs;
  std::unique_ptr<RootFs> host;
  if (!path.empty()) {
    host = std::make_unique<RootFs>("/");
    from = host.get();
  } else {
    for (const char* dir : {"/etc/systemd/", "/run/systemd/", "/usr/local/lib/systemd/",
                            "/usr/lib/systemd/", "/lib/systemd/"}) {
      std::string p = std::string(dir) + "systemd-analyze-security.policy";
      if (fs.kind(p) != RootFs::Kind::kMissing) {
        path = p;
        break;
      }
    }
    if (path.empty()) return true;
  }
  std::string text, error;
  int e = from->read_file(path, text, 16 * 1024 * 1024);
  if (e != 0) {
    err += "Failed to parse '" + path + "' at 0:0: " + std::strerror(e) + "\n";
    return false;
  }
  if (!parse_policy(text, policy, error)) {
    err += "Failed to parse '" + path + "' at " + error + "\n";
    return false;
  }
  return true;
}

}  // namespace

Environment current_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env.vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  char buf[4096];
  if (getcwd(buf, sizeof buf)) env.cwd = buf;
  env.stdout_is_tty = isatty(STDOUT_FILENO);
  mode_t m = umask(0);
  umask(m);
  env.umask = m;
  return env;
}

OutputStyle output_style(const Environment& env) {
  OutputStyle style;
  style.utf8 = locale_is_utf8(env);
  std::optional<bool> emoji;
  if (has_var(env, "SYSTEMD_EMOJI")) emoji = parse_boolean(var(env, "SYSTEMD_EMOJI"));
  if (emoji) {
    style.emoji = *emoji;
  } else {
    std::string term = var(env, "TERM");
    style.emoji = has_var(env, "TERM") && term != "dumb" && term != "linux" && style.utf8;
  }
  bool colors = env.stdout_is_tty && var(env, "TERM") != "dumb";
  if (has_var(env, "NO_COLOR")) colors = false;
  if (has_var(env, "SYSTEMD_COLORS")) {
    if (auto b = parse_boolean(var(env, "SYSTEMD_COLORS"))) colors = *b;
  }
  style.colors = colors;
  if (auto b = parse_boolean(var(env, "SYSTEMD_ANALYZE_DEBUG"))) style.debug = *b;
  return style;
}

int run_security(const SecurityOptions& o, const Environment& env, std::string& out,
                 std::string& err) {
  if (!o.offline.value_or(false)) {
    err +=
        "hardnut: live mode (reading the running manager over D-Bus) is not implemented yet; "
        "use --offline=yes\n";
    return 1;
  }
  if (o.units.empty()) {
    err += "hardnut: --offline=yes needs at least one unit file\n";
    return 1;
  }
  OutputStyle style = output_style(env);

  std::unique_ptr<RootFs> root, host;
  try {
    root = std::make_unique<RootFs>(o.root.empty() ? "/" : o.root);
    host = std::make_unique<RootFs>("/");
  } catch (const std::exception& e) {
    err += "hardnut: cannot open root directory " + o.root + ": " + e.what() + "\n";
    return 1;
  }

  // The unit names to load, and the directories the arguments add.
  std::vector<std::string> names;
  std::vector<SearchDir> dirs;
  auto add_dir = [&](const std::string& d) {
    for (const auto& s : dirs)
      if (s.path == d) return;
    dirs.push_back({host.get(), d});
  };
  for (const auto& arg : o.units) {
    std::string base = basename_of(arg);
    auto name = parse_unit_name(base);
    if (!name) {
      err += "Failed to prepare filename " + arg + ": Invalid argument\n";
      return 1;
    }
    std::string dir = absolute(dirname_of(arg), env.cwd);
    RootFs::Kind k = host->kind(path_join(dir, base));
    if (k != RootFs::Kind::kMissing || host->read_link(path_join(dir, base)))
      add_dir(dir);
    else if (name->is_instance() &&
             host->kind(path_join(dir, name->template_name())) != RootFs::Kind::kMissing)
      add_dir(dir);
    // A template is analysed as an instance of it.
    names.push_back(name->is_template ? with_instance(*name, "i") : base);
  }

  std::string path_error;
  std::vector<std::string> standard = standard_unit_path(o.scope, env.vars, path_error);
  if (!path_error.empty()) {
    err += "Failed to lookup RuntimeDirectory path: " + path_error + "\n";
    err += "Failed to initialize manager: " + path_error + "\n";
    return 1;
  }
  bool append_standard = true;
  if (has_var(env, "SYSTEMD_UNIT_PATH")) {
    std::string sup = var(env, "SYSTEMD_UNIT_PATH");
    append_standard = !sup.empty() && sup.back() == ':';
    size_t i = 0;
    while (i < sup.size()) {
      size_t j = sup.find(':', i);
      if (j == std::string::npos) j = sup.size();
      if (j > i) add_dir(sup.substr(i, j - i));
      i = j + 1;
    }
  }
  if (append_standard)
    for (const auto& d : standard) dirs.push_back({root.get(), d});

  Policy policy;
  if (!load_policy(o, *root, policy, err)) return 1;

  static const SyscallTable syscalls =
      *SyscallTable::parse(embedded_file("syscall-filter-v252.txt"), nullptr);
  UnitFileIndex index(dirs);
  LoadOptions load;
  load.scope = o.scope;
  load.process_umask = env.umask;
  load.syscalls = &syscalls;
  load.extra_lines = o.set_lines;
  UnitLoader loader(index, load);
  RuleContext rules{syscalls, false};

  int status = 0;
  for (const auto& name : names) {
    std::vector<std::string> messages;
    const LoadedUnit& unit = loader.load(name, messages);
    for (const auto& m : messages) err += m + "\n";
    if (!unit.ok) {
      err += unit.status_message + "\n";
      status = 1;
      continue;
    }
    Assessment a;
    try {
      a = assess(unit.settings, checks_v252(), policy, rules);
    } catch (const AssessmentError& e) {
      err += "hardnut: the security policy cannot be applied to " + unit.settings.unit_id + ": " +
             e.message + " (systemd-analyze 252 aborts here)\n";
      status = 1;
      continue;
    }
    if (o.json == JsonMode::kOff)
      out += render_details(a, style);
    else
      out += render_details_json(a, o.json, style.debug);
    if (a.exposure > o.threshold) status = 1;
  }
  return status;
}

}  // namespace hardnut
