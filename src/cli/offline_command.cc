#include "cli/offline_command.h"

#include <malloc.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include "assess/assessment.h"
#include "assess/checks.h"
#include "assess/policy.h"
#include "assess/scan.h"
#include "assess/unit.h"
#include "base/atomic_file.h"
#include "base/root_fs.h"
#include "base/values.h"
#include "report/baseline.h"
#include "report/colors.h"
#include "report/output_style.h"
#include "report/scan_output.h"
#include "report/suppression.h"
#include "unit/loader.h"

namespace hardnut {

namespace {

std::string absolute(const std::string& path, const std::string& cwd) {
  return normalize_path(path.empty() || path[0] != '/' ? cwd + "/" + path : path);
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
  std::vector<std::unique_ptr<LazyIndex>> indexes;
};

void collect_folder(FolderScan& scan, const std::string& dir, std::vector<ScanJob>& jobs, int depth,
                    const SystemdVersion& version) {
  if (depth > 64) return;
  auto entries = scan.fs->list_entries(dir);
  std::vector<std::string> names;
  for (const auto& e : entries) {
    if (e.kind == RootFs::Kind::kDirectory && !e.is_symlink) {
      if (!is_dependency_dir(e.name))
        collect_folder(scan, path_join(dir, e.name), jobs, depth + 1, version);
      continue;
    }
    auto name = parse_unit_name(e.name);
    if (!name || !is_scanned_type(name->type) || name->is_instance()) continue;
    if (e.is_symlink) {
      // Aliases are scored under their real name; masks are reported.
      auto target = scan.fs->resolve(path_join(dir, e.name));
      if (!target || *target != "/dev/null") continue;
    }
    names.push_back(name->is_template ? with_instance(*name, version.template_instance) : e.name);
  }
  if (names.empty()) return;
  // Each folder's index is built when its first unit is scored, from the
  // entries read here.
  UnitFileIndex::Listings listed;
  listed[{scan.fs.get(), dir}] = std::move(entries);
  scan.indexes.push_back(std::make_unique<LazyIndex>(std::vector<SearchDir>{{scan.fs.get(), dir}},
                                                     names.size(), std::move(listed)));
  for (auto& n : names) jobs.push_back({nullptr, std::move(n), scan.indexes.back().get()});
}

// What the paths on the command line name, answered from one listing of
// each folder: a thousand files named from one folder were a thousand path
// walks before the first unit could load. Names a listing lacks (or that a
// folder it cannot list holds) are looked at one by one. The listings then
// go to the manager's index, whose search path starts with those folders.
class ArgumentPaths {
 public:
  explicit ArgumentPaths(const RootFs& fs) : fs_(fs) {}
  RootFs::Node node(const std::string& path) {
    std::string dir = dirname_of(path), base = basename_of(path);
    if (base.empty() || base == "." || base == ".." || path_join(dir, base) != path)
      return fs_.node(path);
    auto [listing, fresh] = listed_.try_emplace({&fs_, dir});
    auto& entries = listing->second;
    if (fresh) entries = fs_.list_entries(dir);
    auto it =
        std::lower_bound(entries.begin(), entries.end(), base,
                         [](const RootFs::Entry& e, const std::string& n) { return e.name < n; });
    if (it == entries.end() || it->name != base) return fs_.node(path);
    return {it->kind, it->is_symlink};
  }
  UnitFileIndex::Listings take_listings() { return std::move(listed_); }

 private:
  const RootFs& fs_;
  UnitFileIndex::Listings listed_;
};

}  // namespace

namespace {

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

int run_security_offline(const SecurityOptions& o, const Environment& env, std::ostream& out,
                         std::ostream& err, const std::atomic<bool>& interrupt) {
  bool overview_of_manager = o.units.empty();
  if (o.format != "text" && o.format != "json" && o.format != "sarif" && o.format != "prometheus") {
    err << "hardnut: unknown --format=" << o.format << " (text, json, sarif or prometheus)\n";
    return 1;
  }
  OutputStyle style = output_style(env);

  std::unique_ptr<RootFs> root, host;
  try {
    root = std::make_unique<RootFs>(o.root.empty() ? "/" : o.root);
    host = std::make_unique<RootFs>("/");
  } catch (const std::system_error& e) {
    // systemd-analyze's words, with the root made absolute as it does.
    err << "Failed to initialize unit search paths for root directory " << absolute(o.root, env.cwd)
        << ": " << e.code().message() << "\n";
    return 1;
  }
  const SystemdVersion& version = systemd_version_for(o.systemd_version, o.root, err);

  // Unit files and names given as arguments share one search path, as in
  // systemd-analyze: their directories first, then the manager's.
  std::vector<SearchDir> dirs;
  std::vector<ScanJob> jobs;
  std::vector<std::unique_ptr<FolderScan>> folders;
  bool names_units = false;  // not only folders
  ArgumentPaths argument_paths(*host);
  for (const auto& arg : o.units) {
    std::string path = absolute(arg, env.cwd);
    RootFs::Node node = argument_paths.node(path);
    if (node.kind == RootFs::Kind::kDirectory) {
      auto scan = std::make_unique<FolderScan>();
      try {
        scan->fs = std::make_unique<RootFs>(path);
      } catch (const std::exception& e) {
        err << "hardnut: cannot read folder " << arg << ": " << e.what() << "\n";
        return 1;
      }
      size_t before = jobs.size();
      collect_folder(*scan, "/", jobs, 0, version);
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
    std::string file = path_join(dir, base);
    if (file != path) node = argument_paths.node(file);
    // A dangling symlink counts: it names the unit (systemd then says so).
    bool exists = node.is_symlink || node.kind != RootFs::Kind::kMissing;
    bool has_template = name->is_instance() &&
                        host->kind(path_join(dir, name->template_name())) != RootFs::Kind::kMissing;
    if (exists || has_template) {
      bool known = false;
      for (const auto& s : dirs) known = known || s.path == dir;
      if (!known) dirs.push_back({host.get(), dir});
    }
    // A template is analysed as an instance of it.
    jobs.push_back(
        {nullptr, name->is_template ? with_instance(*name, version.template_instance) : base});
    names_units = true;
  }
  if (!manager_search_path(o.scope, env, *root, *host, dirs, err)) return 1;
  // Folder scans have their own search paths: the manager's is indexed
  // only for the units named and for the overview of the manager.
  std::optional<UnitFileIndex> manager_index;
  if (overview_of_manager || names_units)
    manager_index.emplace(dirs, argument_paths.take_listings());
  for (auto& job : jobs)
    if (!job.index && !job.lazy) job.index = &*manager_index;
  if (overview_of_manager)
    for (auto& name : manager_index->unit_names("service")) jobs.push_back({&*manager_index, name});

  Policy policy;
  if (!load_policy(o.policy_path, *root, policy, err, &version)) return 1;

  ScanOptions scan;
  scan.load.scope = o.scope;
  scan.load.process_umask = env.umask;
  scan.load.syscalls = &syscall_table(version);
  scan.load.version = &version;
  scan.load.extra_lines = o.set_lines;
  scan.policy = &policy;
  scan.checks = &checks_for(version);
  // Units named on the command line load as if one after another into one
  // manager, as in systemd-analyze; scans judge each unit on its own.
  bool parity = folders.empty() && !overview_of_manager;
  scan.threads = o.jobs;
  scan.one_manager = parity;
  // Directive origins and comments (inline suppressions) are for hardnut's
  // own formats only.
  scan.load.record_sources = o.format != "text";

  bool overview = o.overview || overview_of_manager;
  std::unique_ptr<ScanSink> json;
  if (o.format != "text") json = make_scan_sink(o.format, out, {o.threshold, env.cwd});
  std::vector<OverviewRow> rows;
  int status = 0;
  bool above_threshold = false;
  Exposures exposures;  // for --baseline
  Progress progress(err, env.stderr_is_tty && !parity, jobs.size());
  // Reports are rendered on the workers, in parallel with the scoring of
  // other units; `emit` only writes them out in order. The rows go there
  // too: memory freed on another thread than the one that took it costs
  // glibc a lock and its caches (with two threads, a third more CPU).
  if (!json)
    scan.prepare = [&](ScanResult& r) {
      if (!r.ok) return;
      if (!overview)
        r.rendered = o.json == JsonMode::kOff
                         ? render_details(*r.assessment, style)
                         : render_details_json(*r.assessment, o.json, style.debug);
      r.assessment->rows = {};
    };

  auto emit = [&](ScanResult& r) {
    progress.clear();
    // A manager scan reports unusable units, but they do not fail it;
    // units the user named do.
    // Checked when written, as systemd does: a pager may have taken stderr.
    const char* line_end = log_line_end(env.stderr_is_tty && isatty(STDERR_FILENO));
    for (const auto& m : r.messages) err << m << line_end;
    // Only hardnut's own formats read inline suppressions, so only they
    // report the invalid ones.
    if (json)
      for (const auto& p : parse_suppressions(r.comments, checks_v252()).problems)
        err << p << line_end;
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
    else
      out << r.rendered;
    out.flush();
  };
  bool complete = scan_units(
      jobs, scan, emit, [&](size_t done) { progress.update(done); }, interrupt);
  progress.clear();
  if (json) json->finish(!complete);
  // The job list (a unit name each) is done with, and so are the folders
  // (their indexes went with their last unit): free them, and hand the
  // pages back (glibc keeps freed small blocks otherwise), before the
  // overview table is laid out.
  jobs = {};
  folders.clear();
#ifdef __GLIBC__
  // Only worth its time (a walk over the heap) when a table comes next.
  if (!json && overview) malloc_trim(0);
#endif
  if (!json && overview) {
    // Scans list units by name, as systemd's overview does.
    if (!parity)
      std::sort(rows.begin(), rows.end(),
                [](const OverviewRow& x, const OverviewRow& y) { return x.unit < y.unit; });
    if (o.json == JsonMode::kOff)
      write_overview(rows, style, out);
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

}  // namespace hardnut
