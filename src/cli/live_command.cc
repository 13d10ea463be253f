#include "cli/live_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include "assess/assessment.h"
#include "assess/checks.h"
#include "assess/policy.h"
#include "report/output_style.h"
#include "report/report.h"
#include "unit/unit_name_mangle.h"

namespace hardnut {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The first existing file of systemd's policy search path.
std::string default_policy_path() {
  for (const char* p : kDefaultPolicyPaths)
    if (access(p, F_OK) == 0) return p;
  return {};
}

int read_whole_file(const std::string& path, std::string& text) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  int e = n < 0 ? errno : 0;
  ::close(fd);
  return e;
}

// --security-policy=, else the first installed policy of this machine (the
// one systemd-analyze runs on, not the manager's: they differ with -H/-M).
// The messages differ between the two cases, as in systemd-analyze 252.
bool load_live_policy(const SecurityOptions& o, Policy& policy, std::ostream& err) {
  bool explicit_path = !o.policy_path.empty();
  std::string path = explicit_path ? o.policy_path : default_policy_path();
  if (path.empty()) return true;
  std::string text, error;
  if (int e = read_whole_file(path, text)) {
    if (explicit_path)
      err << "Failed to parse '" << path << "' at 0:0: " << strerror(e) << "\n";
    else
      err << "[" << path << ":0:0] Failed to parse JSON policy: " << strerror(e) << "\n";
    return false;
  }
  if (parse_policy(text, policy, error)) return true;
  if (explicit_path) {
    err << "Failed to parse '" << path << "' at " << error << "\n";
  } else {
    // error is "<line>:<column>: <reason>".
    size_t colon = error.find(": ");
    err << "[" << path << ":" << error.substr(0, colon) << "] Failed to parse JSON policy: "
        << (colon == std::string::npos ? error : error.substr(colon + 2)) << "\n";
  }
  return false;
}

// Benchmarking knobs (README): how properties are fetched and how many
// calls are in flight. The default measured fastest (tests/live/bench.sh):
// one Get per property costs the manager more per unit than serialising
// the whole Service interface once.
FetchStrategy fetch_strategy(const Environment& env) {
  std::string v = env_var(env, "HARDNUT_LIVE_FETCH");
  if (v == "all") return FetchStrategy::kGetAllAny;
  if (v == "each") return FetchStrategy::kGetEach;
  return FetchStrategy::kGetAllService;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

LiveTarget live_target(const SecurityOptions& o) {
  LiveTarget t;
  t.scope = o.scope;
  if (!o.host.empty()) {
    t.transport = LiveTransport::kRemote;
    t.host = o.host;
  }
  if (!o.machine.empty()) {
    t.transport = LiveTransport::kMachine;
    t.host = o.machine;
  }
  return t;
}

bool options_imply_offline(const SecurityOptions& o) {
  if (!o.root.empty() || !o.set_lines.empty() || o.format != "text" || !o.baseline.empty())
    return true;
  for (const auto& arg : o.units)
    if (arg.find('/') != std::string::npos) return true;
  return false;
}

std::string live_fallback_note(const std::string& why) {
  return "hardnut: no systemd manager answers (" + why +
         "); scoring the unit files instead (offline mode)\n";
}

std::optional<int> run_security_live(const SecurityOptions& o, const Environment& env,
                                     std::ostream& out, std::ostream& err, LiveMode mode,
                                     std::string& why) {
  const LiveTarget target = live_target(o);
  std::string error;
  // Until a manager says which systemd it is, messages are worded like the
  // requested version or, for auto, the systemd installed here.
  std::ostringstream unused_note;
  auto connection = LiveConnection::open(
      target, env.vars, systemd_version_for(o.systemd_version, o.root, unused_note), error);
  if (!connection) {
    if (mode == LiveMode::kIfAvailable) {
      // The first line is the better reason ("System has not been booted
      // with systemd ..." comes before "Failed to connect to bus: ...").
      why = error.substr(0, error.find('\n'));
      return std::nullopt;
    }
    err << error;
    return 1;
  }
  // The manager's Version: whether one answers (default mode) and, for
  // --systemd-version=auto, which systemd it is. One call for both.
  std::string manager_version;
  if (mode == LiveMode::kIfAvailable || o.systemd_version == 0) {
    if (!connection->ping(error, &manager_version)) {
      if (mode == LiveMode::kIfAvailable) {
        why = "the manager does not answer: " + error;
        return std::nullopt;
      }
      manager_version.clear();
    }
  }
  // --root= is accepted and ignored, as systemd-analyze 252 does online.
  if (!o.set_lines.empty() || o.format != "text" || !o.baseline.empty()) {
    err << "hardnut: --set, --format= and --baseline work on unit files only; use them with "
           "--offline=yes\n";
    return 1;
  }
  Policy policy;
  if (!load_live_policy(o, policy, err)) return 1;
  const OutputStyle style = output_style(env);

  // --systemd-version=: as given; auto takes the manager's (also the right
  // answer over -H/-M, where / is not the scored system's). A manager that
  // does not say falls back to the systemd installed in /.
  const SystemdVersion& version =
      manager_version.empty()
          ? systemd_version_for(o.systemd_version, o.root, err)
          : systemd_version_for(o.systemd_version, o.root, err, std::string_view(manager_version));

  // What to analyse, in order. With no unit argument: every listed
  // service, sorted by id; units not loaded and oneshot services are then
  // skipped silently, and only the overview is printed.
  const bool overview_only = o.units.empty();
  const bool details = !overview_only && !o.overview;
  const bool with_overview = o.units.size() != 1 || o.overview;
  std::vector<std::string> names;
  std::string refusal;  // ends the run after the units before it
  if (overview_only) {
    std::vector<ListedUnit> listed;
    if (!connection->list_units(listed, error)) {
      err << "Failed to list units: " << error << "\n";
      return 1;
    }
    // Not-loaded units are read too: reading a unit makes the manager
    // retry loading it when its unit file cache is stale, so one listed as
    // not-found may well turn out loaded, as it does for systemd-analyze.
    for (const auto& u : listed)
      if (ends_with(u.id, ".service")) names.push_back(u.id);
    // Test seam: names treated as listed, to exercise units that vanish
    // between listing and reading.
    for (auto& extra : split_commas(env_var(env, "HARDNUT_LIVE_EXTRA_LISTED")))
      names.push_back(extra);
    std::sort(names.begin(), names.end());
  } else {
    for (const auto& arg : o.units) {
      auto m = mangle_unit_name(arg);
      if (!m) {
        refusal = "Failed to mangle unit name '" + arg + "': Invalid argument\n";
        break;
      }
      if (m->is_path || !ends_with(m->name, ".service")) {
        refusal = "Unit " + arg + " is not a service unit, refusing.\n";
        break;
      }
      names.push_back(live_analysed_name(m->name, version.live_template_instance));
    }
  }

  if (std::string w = env_var(env, "HARDNUT_LIVE_WINDOW"); !w.empty())
    connection->set_window(strtoul(w.c_str(), nullptr, 10));
  // Listed names are the units' own; named ones may be aliases, reported
  // under the unit's Id as systemd-analyze does.
  std::vector<UnitReadResult> results =
      connection->read_units(names, fetch_strategy(env), /*canonical_ids=*/!overview_only);

  const RuleContext rules{syscall_table(version), /*online=*/true, &version};
  std::vector<OverviewRow> overview;
  int status = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    // systemd-analyze separates the units it names with a blank line,
    // also before one that then fails.
    if (details && i > 0) out << "\n";
    const UnitReadResult& r = results[i];
    if (!r.ok) {
      err << "Failed to get unit properties: " << r.error << "\n";
      status = 1;
      continue;
    }
    const LiveProperties& p = r.properties;
    if (p.load_state != "loaded") {
      if (overview_only) continue;
      if (p.load_state == "not-found")
        err << "Unit " << names[i] << " not found, cannot analyze.\n";
      else if (p.load_state == "masked")
        err << "Unit " << names[i] << " is masked, cannot analyze.\n";
      else
        err << "Unit " << names[i] << " not loaded properly, cannot analyze.\n";
      status = 1;
      continue;
    }
    if (overview_only && p.type == "oneshot") continue;

    // The manager reports an alias under the unit's own name (Id), and so
    // does the report.
    ExecSettings settings = settings_from_properties(p);
    settings.user_scope = o.scope == Scope::kUser;
    Assessment a;
    try {
      a = assess(settings, checks_for(version), policy, rules);
    } catch (const AssessmentError& e) {
      err << "hardnut: the security policy cannot be applied to " << settings.unit_id << ": "
          << e.message << " (systemd-analyze 252 aborts here)\n";
      status = 1;
      continue;
    }
    if (details) {
      if (o.json == JsonMode::kOff)
        out << render_details(a, style);
      else
        out << render_details_json(a, o.json, style.debug);
      out.flush();
    }
    if (with_overview) overview.push_back({settings.unit_id, a.exposure});
    if (a.exposure > o.threshold) status = 1;
  }
  if (!refusal.empty()) {
    // The blank line that precedes every unit after the first comes before
    // the refused one too; the overview is not printed.
    if (details && !names.empty()) out << "\n";
    err << refusal;
    return 1;
  }
  if (with_overview) {
    if (details) out << "\n";
    out << (o.json == JsonMode::kOff ? render_overview(overview, style)
                                     : render_overview_json(overview, o.json, style));
  }
  out.flush();
  return status;
}

}  // namespace hardnut
