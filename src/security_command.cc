#include "security_command.h"

#include <langinfo.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <clocale>
#include <cstring>
#include <memory>
#include <sstream>

#include "assessment.h"
#include "atomic_file.h"
#include "baseline.h"
#include "checks.h"
#include "embedded_data.h"
#include "loader.h"
#include "policy.h"
#include "root_fs.h"
#include "scan.h"
#include "scan_output.h"
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
bool load_policy(const SecurityOptions& o, const RootFs& fs, Policy& policy, std::ostream& err) {
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
    err << "Failed to parse '" << path << "' at 0:0: " << std::strerror(e) << "\n";
    return false;
  }
  if (!parse_policy(text, policy, error)) {
    err << "Failed to parse '" << path << "' at " << error << "\n";
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
  env.stderr_is_tty = isatty(STDERR_FILENO);
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

namespace {

const SyscallTable& syscall_table() {
  static const SyscallTable table =
      *SyscallTable::parse(embedded_file("syscall-filter-v252.txt"), nullptr);
  return table;
}

// Unit types whose units have execution settings worth scoring in a scan.
bool is_scanned_type(const std::string& type) {
  return type == "service" || type == "socket" || type == "mount" || type == "swap";
}

bool is_dependency_dir(const std::string& name) {
  for (const char* suffix : {".d", ".wants", ".requires", ".upholds"}) {
    std::string sfx = suffix;
    if (name.size() > sfx.size() && name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0)
      return true;
  }
  return false;
}

// A folder given on the command line: every unit file below it is scored
// with only its own directory as search path. The folder is opened as a
// root, so that no symlink inside it leads out.
struct FolderScan {
  std::unique_ptr<RootFs> fs;
  std::vector<std::unique_ptr<UnitFileIndex>> indexes;
};

void collect_folder(FolderScan& scan, const std::string& dir, std::vector<ScanJob>& jobs,
                    int depth) {
  if (depth > 64) return;
  auto entries = scan.fs->list_entries(dir);
  std::sort(entries.begin(), entries.end(),
            [](const RootFs::Entry& x, const RootFs::Entry& y) { return x.name < y.name; });
  std::vector<std::string> names;
  for (const auto& e : entries) {
    if (e.kind == RootFs::Kind::kDirectory && !e.is_symlink) {
      if (!is_dependency_dir(e.name)) collect_folder(scan, path_join(dir, e.name), jobs, depth + 1);
      continue;
    }
    auto name = parse_unit_name(e.name);
    if (!name || !is_scanned_type(name->type) || name->is_instance()) continue;
    if (e.is_symlink) {
      // Aliases are scored under their real name; masks are reported.
      auto target = scan.fs->resolve(path_join(dir, e.name));
      if (!target || *target != "/dev/null") continue;
    }
    names.push_back(name->is_template ? with_instance(*name, "i") : e.name);
  }
  if (names.empty()) return;
  scan.indexes.push_back(
      std::make_unique<UnitFileIndex>(std::vector<SearchDir>{{scan.fs.get(), dir}}));
  for (auto& n : names) jobs.push_back({scan.indexes.back().get(), std::move(n)});
}

// The unit search path of the manager: SYSTEMD_UNIT_PATH, then the
// standard directories of the scope (under --root).
bool manager_search_path(const SecurityOptions& o, const Environment& env, const RootFs& root,
                         const RootFs& host, std::vector<SearchDir>& dirs, std::ostream& err) {
  std::string path_error;
  std::vector<std::string> standard = standard_unit_path(o.scope, env.vars, path_error);
  if (!path_error.empty()) {
    err << "Failed to lookup RuntimeDirectory path: " << path_error << "\n"
        << "Failed to initialize manager: " << path_error << "\n";
    return false;
  }
  auto add = [&](const RootFs* fs, const std::string& d) {
    for (const auto& s : dirs)
      if (s.path == d) return;
    dirs.push_back({fs, d});
  };
  bool append_standard = true;
  if (has_var(env, "SYSTEMD_UNIT_PATH")) {
    std::string sup = var(env, "SYSTEMD_UNIT_PATH");
    append_standard = !sup.empty() && sup.back() == ':';
    size_t i = 0;
    while (i < sup.size()) {
      size_t j = sup.find(':', i);
      if (j == std::string::npos) j = sup.size();
      if (j > i) add(&host, sup.substr(i, j - i));
      i = j + 1;
    }
  }
  if (append_standard)
    for (const auto& d : standard) dirs.push_back({&root, d});
  return true;
}

// Progress on a terminal for scans that take more than a second.
class Progress {
 public:
  Progress(std::ostream& err, bool enabled, size_t total)
      : err_(err), enabled_(enabled), total_(total), start_(std::chrono::steady_clock::now()) {}
  void update(size_t done) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100))
      return;
    last_ = now;
    err_ << "\rhardnut: scored " << done << " of " << total_ << " units" << std::flush;
    shown_ = true;
  }
  void clear() {
    if (shown_) err_ << "\r\x1b[K" << std::flush;
    shown_ = false;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  size_t total_;
  std::chrono::steady_clock::time_point start_, last_;
  bool shown_ = false;
};

}  // namespace

// With --baseline: compares this run with the recorded one (or records
// it); false when a unit got worse or is new and above the threshold.
bool check_baseline(const SecurityOptions& o, const Exposures& now, std::ostream& err) {
  std::string text, error;
  RootFs host("/");
  int e = host.read_file(o.baseline, text, 64 * 1024 * 1024);
  if (e == ENOENT) {
    if (write_file_atomically(o.baseline, format_baseline(now), 0644, error) != 0) {
      err << "hardnut: " << error << "\n";
      return false;
    }
    err << "hardnut: recorded a baseline of " << now.size() << " units in " << o.baseline << "\n";
    return true;
  }
  Exposures recorded;
  if (e != 0 || !parse_baseline(text, recorded, error)) {
    err << "hardnut: cannot use baseline " << o.baseline << ": "
        << (e != 0 ? std::strerror(e) : error) << "\n";
    return false;
  }
  auto regressions = compare_with_baseline(recorded, now, o.threshold);
  for (const auto& r : regressions) {
    if (r.is_new)
      err << "hardnut: " << r.unit << " is new and above the threshold: " << format_tenths(r.after)
          << "\n";
    else
      err << "hardnut: " << r.unit << " got worse than the baseline: " << format_tenths(r.before)
          << " -> " << format_tenths(r.after) << "\n";
  }
  if (o.update_baseline &&
      write_file_atomically(o.baseline, format_baseline(now), 0644, error) != 0) {
    err << "hardnut: " << error << "\n";
    return false;
  }
  return regressions.empty();
}

int run_security(const SecurityOptions& o, const Environment& env, std::ostream& out,
                 std::ostream& err, const std::atomic<bool>& interrupt) {
  bool overview_of_manager = o.units.empty();
  if (o.offline && !*o.offline) {
    err << "hardnut: live mode (reading the running manager over D-Bus) is not available yet; "
           "use --offline=yes\n";
    return 1;
  }
  if (!o.offline && overview_of_manager)
    err << "hardnut: no unit given; scoring the unit files on disk (offline mode)\n";
  else if (!o.offline) {
    err << "hardnut: live mode (reading the running manager over D-Bus) is not available yet; "
           "use --offline=yes\n";
    return 1;
  }
  if (o.format != "text" && o.format != "json" && o.format != "sarif" && o.format != "prometheus") {
    err << "hardnut: unknown --format=" << o.format << " (text, json, sarif or prometheus)\n";
    return 1;
  }
  OutputStyle style = output_style(env);

  std::unique_ptr<RootFs> root, host;
  try {
    root = std::make_unique<RootFs>(o.root.empty() ? "/" : o.root);
    host = std::make_unique<RootFs>("/");
  } catch (const std::exception& e) {
    err << "hardnut: cannot open root directory " << o.root << ": " << e.what() << "\n";
    return 1;
  }

  // Unit files and names given as arguments share one search path, as in
  // systemd-analyze: their directories first, then the manager's.
  std::vector<SearchDir> dirs;
  std::vector<ScanJob> jobs;
  std::vector<std::unique_ptr<FolderScan>> folders;
  std::vector<std::pair<size_t, std::string>> argument_units;  // job slot, name
  for (const auto& arg : o.units) {
    std::string path = absolute(arg, env.cwd);
    if (host->kind(path) == RootFs::Kind::kDirectory && !host->read_link(path)) {
      auto scan = std::make_unique<FolderScan>();
      try {
        scan->fs = std::make_unique<RootFs>(path);
      } catch (const std::exception& e) {
        err << "hardnut: cannot read folder " << arg << ": " << e.what() << "\n";
        return 1;
      }
      size_t before = jobs.size();
      collect_folder(*scan, "/", jobs, 0);
      if (jobs.size() == before) err << "hardnut: no unit files below " << arg << "\n";
      folders.push_back(std::move(scan));
      continue;
    }
    std::string base = basename_of(arg);
    auto name = parse_unit_name(base);
    if (!name) {
      err << "Failed to prepare filename " << arg << ": Invalid argument\n";
      return 1;
    }
    std::string dir = absolute(dirname_of(arg), env.cwd);
    bool exists = host->kind(path_join(dir, base)) != RootFs::Kind::kMissing ||
                  host->read_link(path_join(dir, base));
    bool has_template = name->is_instance() &&
                        host->kind(path_join(dir, name->template_name())) != RootFs::Kind::kMissing;
    if (exists || has_template) {
      bool known = false;
      for (const auto& s : dirs) known = known || s.path == dir;
      if (!known) dirs.push_back({host.get(), dir});
    }
    // A template is analysed as an instance of it.
    argument_units.emplace_back(jobs.size(), name->is_template ? with_instance(*name, "i") : base);
    jobs.push_back({nullptr, argument_units.back().second});
  }
  if (!manager_search_path(o, env, *root, *host, dirs, err)) return 1;
  UnitFileIndex manager_index(dirs);
  for (auto& job : jobs)
    if (!job.index) job.index = &manager_index;
  if (overview_of_manager)
    for (auto& name : manager_index.unit_names("service")) jobs.push_back({&manager_index, name});

  Policy policy;
  if (!load_policy(o, *root, policy, err)) return 1;

  ScanOptions scan;
  scan.load.scope = o.scope;
  scan.load.process_umask = env.umask;
  scan.load.syscalls = &syscall_table();
  scan.load.extra_lines = o.set_lines;
  scan.policy = &policy;
  scan.checks = &checks_v252();
  // Units named on the command line load one after another in one manager
  // state, as systemd-analyze does; scans of many units use every core.
  bool parity = folders.empty() && !overview_of_manager;
  scan.threads = parity ? 1 : o.jobs;
  scan.load.remember_units = parity;

  bool overview = o.overview || overview_of_manager;
  std::unique_ptr<ScanSink> json;
  if (o.format != "text") json = make_scan_sink(o.format, out, {o.threshold, env.cwd});
  std::vector<OverviewRow> rows;
  int status = 0;
  bool above_threshold = false;
  Exposures exposures;  // for --baseline
  Progress progress(err, env.stderr_is_tty && !parity, jobs.size());

  auto emit = [&](ScanResult& r) {
    progress.clear();
    // A manager scan reports unusable units, but they do not fail it;
    // units the user named do.
    for (const auto& m : r.messages) err << m << "\n";
    if (!r.ok) {
      if (!overview_of_manager) status = 1;
      if (json) json->add(r);
      return;
    }
    const Assessment& a = *r.assessment;
    if (overview_of_manager && r.service_type == "oneshot") return;  // as systemd's overview
    if (a.exposure > o.threshold) above_threshold = true;
    if (!o.baseline.empty()) exposures[a.unit_id] = a.exposure;
    if (json)
      json->add(r);
    else if (overview)
      rows.push_back({a.unit_id, a.exposure});
    else if (o.json == JsonMode::kOff)
      out << render_details(a, style);
    else
      out << render_details_json(a, o.json, style.debug);
    out.flush();
  };
  bool complete = scan_units(
      jobs, scan, emit, [&](size_t done) { progress.update(done); }, interrupt);
  progress.clear();
  if (json) json->finish(!complete);
  if (!json && overview) {
    // Scans list units by name, as systemd's overview does.
    if (!parity)
      std::sort(rows.begin(), rows.end(),
                [](const OverviewRow& x, const OverviewRow& y) { return x.unit < y.unit; });
    if (o.json == JsonMode::kOff)
      out << render_overview(rows, style);
    else
      out << render_overview_json(rows, o.json, style);
  }
  out.flush();
  if (!complete) {
    err << "hardnut: interrupted; the scan is incomplete\n";
    return 130;
  }
  if (o.baseline.empty()) return above_threshold ? 1 : status;
  return check_baseline(o, exposures, err) ? status : 1;
}

int run_security(const SecurityOptions& o, const Environment& env, std::string& out,
                 std::string& err) {
  std::ostringstream out_stream, err_stream;
  std::atomic<bool> never{false};
  int status = run_security(o, env, out_stream, err_stream, never);
  out = out_stream.str();
  err = err_stream.str();
  return status;
}

}  // namespace hardnut
