// hardnut: measures and improves the security exposure of systemd services.
#include <strings.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <tuple>

#include "base/atomic_file.h"
#include "base/values.h"
#include "base/version.h"
#include "cli/profile_command.h"
#include "cli/security_command.h"
#include "harden/diff_command.h"
#include "harden/harden.h"
#include "harden/suggest.h"
#include "model/systemd_version.h"
#include "report/pager.h"

namespace {

std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted = true; }

// --systemd-version=, for every subcommand that scores units.
void add_systemd_version_option(CLI::App* command, std::string& value) {
  command->add_option("--systemd-version", value,
                      "Score like this systemd: auto (the one in --root or /, or the live "
                      "manager's), 245, 252, 257 or 262 (default 252)");
}

// Turns the option's text into SecurityOptions::systemd_version (0: auto).
bool parse_systemd_version(const std::string& text, unsigned& version) {
  auto v = hardnut::parse_systemd_version_option(text);
  if (!v) {
    std::fprintf(stderr, "Unknown --systemd-version=%s (auto, 245, 252, 257 or 262)\n",
                 text.c_str());
    return false;
  }
  version = *v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  setlocale(LC_ALL, "");
  CLI::App app{"hardnut: measure and improve the security exposure of systemd services"};
  app.set_version_flag("--version", std::string("hardnut ") + HARDNUT_VERSION +
                                        " (scores like systemd-analyze security of systemd 252)");
  app.require_subcommand(1);

  hardnut::SecurityOptions options;
  std::string offline, json = "off", threshold, systemd_version = "252";
  bool user = false, system = false;
  CLI::App* security =
      app.add_subcommand("security", "Score the exposure of units, like systemd-analyze security");
  security->add_option("units", options.units, "Unit files or unit names");
  security->add_option("--offline", offline, "Analyse unit files instead of the running manager")
      ->expected(0, 1)
      ->default_str("yes");
  security->add_option("--root", options.root, "Look up units below this directory");
  security->add_flag("--user", user, "Use the user manager's unit search path");
  security->add_flag("--system", system, "Use the system manager's unit search path (default)");
  security->add_option("-H,--host", options.host,
                       "Live mode: the manager of [USER@]HOST[:PORT], over ssh");
  security->add_option("-M,--machine", options.machine,
                       "Live mode: the manager of a local container ([USER@]MACHINE)");
  security->add_option("--threshold", threshold,
                       "Fail if a unit's exposure (0..100) is above this");
  security->add_option("--security-policy", options.policy_path,
                       "JSON file overriding check weights, ranges and descriptions");
  security->add_option("--json", json, "pretty, short or off");
  security->add_flag("--no-pager", options.no_pager, "Do not pipe output into a pager");
  security->add_option("--set", options.set_lines,
                       "Score as if KEY=VALUE were appended in a drop-in (repeatable)");
  security->add_flag("--overview", options.overview,
                     "Print only the overview table (UNIT, EXPOSURE, PREDICATE, HAPPY)");
  security->add_option("--format", options.format,
                       "text, or json for hardnut's scan document (docs/scan-format.md)");
  security->add_option("-j,--jobs", options.jobs,
                       "Threads that score units (default: one per core)");
  security->add_option("-o,--output", options.output,
                       "Write the report to FILE (atomically) instead of standard output");
  security->add_option("--baseline", options.baseline,
                       "Fail only on units worse than FILE's exposures (recorded if missing)");
  security->add_flag("--update-baseline", options.update_baseline,
                     "Rewrite the --baseline file with this run's exposures");
  add_systemd_version_option(security, systemd_version);

  // suggest, diff and harden (docs/hardening.md) share the unit options of security.
  hardnut::SuggestOptions suggest_options;
  hardnut::DiffOptions diff_options;
  hardnut::HardenOptions harden_options;
  std::string harden_level = "standard", harden_target;
  CLI::App* suggest =
      app.add_subcommand("suggest", "List the changes that lower a unit's exposure, re-scored");
  CLI::App* diff = app.add_subcommand("diff",
                                      "Compare two versions of a unit (files, or a "
                                      "unit and a drop-in .conf), check by check");
  CLI::App* harden = app.add_subcommand(
      "harden", "Write a drop-in that lowers a unit's exposure without breaking it");
  suggest->add_option("unit", suggest_options.target.unit, "Unit file or unit name")->required();
  diff->add_option("a", diff_options.a, "Unit file or name")->required();
  diff->add_option("b", diff_options.b, "Unit file or name, or a drop-in (*.conf) for A")
      ->required();
  harden->add_option("unit", harden_options.target.unit, "Unit file or unit name")->required();
  for (auto [command, target] :
       {std::pair{suggest, &suggest_options.target}, std::pair{harden, &harden_options.target}}) {
    command->add_option("--root", target->root, "Look up units below this directory");
    command->add_flag("--user", user, "Use the user manager's unit search path");
    command->add_option("--security-policy", target->policy_path, "Security policy file");
    command->add_option("--set", target->set_lines,
                        "Score as if KEY=VALUE were appended in a drop-in (repeatable)");
  }
  for (CLI::App* command : {suggest, diff, harden})
    add_systemd_version_option(command, systemd_version);
  diff->add_option("--root", diff_options.root, "Look up units below this directory");
  diff->add_flag("--user", user, "Use the user manager's unit search path");
  diff->add_option("--security-policy", diff_options.policy_path, "Security policy file");
  diff->add_option("--set", diff_options.set_lines, "Applied to both sides (repeatable)");
  suggest->add_option("--format", suggest_options.format, "text or json");
  diff->add_option("--format", diff_options.format, "text or json");
  harden->add_option("--level", harden_level, "safe, standard or aggressive (default standard)");
  harden->add_option("--target", harden_target,
                     "Stop once the exposure is at or below this (0.0..10.0)");
  harden->add_flag("--steps", harden_options.steps, "Print the walk one change at a time");
  harden->add_flag("--write", harden_options.write,
                   "Install the drop-in as /etc/systemd/system/UNIT.d/50-hardnut.conf");
  harden->add_flag("--force", harden_options.force, "Replace a drop-in hardnut did not write");
  harden->add_flag("--apply", harden_options.apply,
                   "Write, reload, restart and verify the running service; roll back on failure");
  harden->add_flag("--verify", harden_options.verify,
                   "Verify the service with the drop-in already installed; change nothing");
  harden->add_option("--check", harden_options.live.verify.checks,
                     "With --apply/--verify: a shell command that must succeed (repeatable)");
  harden->add_option("--soak", harden_options.live.verify.soak_seconds,
                     "With --apply/--verify: seconds the service must stay up (default 10)");
  harden->add_option("--max-tries", harden_options.live.max_tries,
                     "With --apply: restarts bisection may use to find what broke (default 16)");
  for (auto [command, path, without_startup] :
       {std::tuple{suggest, &suggest_options.profile, &suggest_options.profile_without_startup},
        std::tuple{harden, &harden_options.profile, &harden_options.profile_without_startup}}) {
    command->add_option("--profile", *path,
                        "Also the changes that FILE, a `hardnut profile` observation, justifies");
    command->add_flag("--profile-without-startup", *without_startup,
                      "Derive allow-lists from a profile that did not watch the start-up");
  }

  hardnut::ProfileOptions profile_options;
  CLI::App* profile = app.add_subcommand(
      "profile", "Observe what a unit does (eBPF) and write the profile harden --profile= uses");
  profile->add_option("unit", profile_options.args,
                      "UNIT, start UNIT, stop UNIT, or with --merge the profiles");
  profile->add_option("--duration", profile_options.duration,
                      "Seconds to observe (default 30, or as long as --workload runs)");
  profile->add_option("--workload", profile_options.workload,
                      "A shell command that exercises the unit while it is observed");
  profile->add_option("-o,--output", profile_options.output,
                      "Write the profile to FILE (atomically) instead of standard output");
  profile->add_flag("--no-restart", profile_options.no_restart,
                    "Observe the running processes only (start-up is then not covered)");
  profile->add_flag("--merge", profile_options.merge,
                    "The arguments are profiles: merge them into one");

  // Options read like getopt's in systemd-analyze: one given twice counts
  // the last time (CLI11 would refuse it), and a repeatable one (--set)
  // takes one value per occurrence (CLI11 would swallow the unit
  // arguments after it).
  for (CLI::App* command : app.get_subcommands({}))
    for (CLI::Option* o : command->get_options()) {
      if (o->get_positional()) continue;
      if (o->get_items_expected_max() == 1)
        o->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      else
        o->allow_extra_args(false);
    }

  // CLI11 reads "--threshold=" (an empty value) as "take the next
  // argument"; getopt, and so systemd-analyze, reads the empty value. Each
  // "--name=" of an option that needs a value becomes "--name" "".
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      args.insert(args.end(), argv + i, argv + argc);
      break;
    }
    bool split = false;
    if (a.size() > 3 && a.rfind("--", 0) == 0 && a.find('=') == a.size() - 1) {
      for (const CLI::App* command : app.get_subcommands({})) {
        const CLI::Option* o = command->get_option_no_throw(a.substr(0, a.size() - 1));
        if (o && o->get_items_expected_min() >= 1) split = true;
      }
    }
    args.push_back(split ? a.substr(0, a.size() - 1) : a);
    if (split) args.emplace_back();
  }
  std::vector<char*> arg_pointers;
  for (auto& a : args) arg_pointers.push_back(a.data());
  try {
    app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (profile->parsed()) {
    // Ctrl-C and SIGTERM end the observation with the recorder detached.
    profile_options.interrupted = &interrupted;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return hardnut::run_profile(profile_options, std::cout, std::cerr);
  }
  if (suggest->parsed() || diff->parsed() || harden->parsed()) {
    unsigned version = 252;
    if (!parse_systemd_version(systemd_version, version)) return 1;
    suggest_options.target.systemd_version = harden_options.target.systemd_version =
        diff_options.systemd_version = version;
    auto scope = user ? hardnut::Scope::kUser : hardnut::Scope::kSystem;
    suggest_options.target.scope = harden_options.target.scope = diff_options.scope = scope;
    hardnut::Environment env = hardnut::current_environment();
    if (suggest->parsed()) return hardnut::run_suggest(suggest_options, env, std::cout, std::cerr);
    if (diff->parsed()) return hardnut::run_diff(diff_options, env, std::cout, std::cerr);
    auto level = hardnut::parse_risk(harden_level);
    if (!level) {
      std::fprintf(stderr, "Unknown --level=%s (safe, standard or aggressive)\n",
                   harden_level.c_str());
      return 1;
    }
    harden_options.level = *level;
    if (!harden_target.empty()) {
      harden_options.target_exposure = hardnut::parse_exposure(harden_target);
      if (!harden_options.target_exposure) {
        std::fprintf(stderr, "Failed to parse --target=%s (an exposure, 0.0..10.0)\n",
                     harden_target.c_str());
        return 1;
      }
    }
    harden_options.command_line = "hardnut";
    for (int i = 1; i < argc; ++i) harden_options.command_line += std::string(" ") + argv[i];
    // Ctrl-C during --apply rolls the drop-in back instead of leaving it.
    if (harden_options.apply || harden_options.verify) {
      harden_options.live.verify.interrupted = &interrupted;
      std::signal(SIGINT, on_interrupt);
      std::signal(SIGTERM, on_interrupt);
    }
    return hardnut::run_harden(harden_options, env, std::cout, std::cerr);
  }

  if (!offline.empty() || security->count("--offline")) {
    auto b = hardnut::parse_boolean(offline.empty() ? "yes" : offline);
    if (!b) {
      std::fprintf(stderr, "Failed to parse boolean argument to --offline: %s.\n", offline.c_str());
      return 1;
    }
    options.offline = *b;
  }
  if (!parse_systemd_version(systemd_version, options.systemd_version)) return 1;
  // Of the options that choose one thing (the manager's scope, the
  // transport), the last one given counts, as with getopt.
  const CLI::Option* last_scope = nullptr;
  const CLI::Option* last_transport = nullptr;
  for (const CLI::Option* o : security->parse_order()) {
    if (o->check_name("--user") || o->check_name("--system")) last_scope = o;
    if (o->check_name("--host") || o->check_name("--machine")) last_transport = o;
  }
  if (last_scope)
    options.scope =
        last_scope->check_name("--user") ? hardnut::Scope::kUser : hardnut::Scope::kSystem;
  if (last_transport && last_transport->check_name("--host")) options.machine.clear();
  if (last_transport && last_transport->check_name("--machine")) options.host.clear();
  if (json == "help") {
    std::printf("pretty\nshort\noff\n");
    return 0;
  }
  if (json == "short")
    options.json = hardnut::JsonMode::kShort;
  else if (json == "pretty")
    options.json = hardnut::JsonMode::kPretty;
  else if (json != "off") {
    std::fprintf(stderr, "Unknown argument to --json= switch: %s\n", json.c_str());
    return 1;
  }
  if (!threshold.empty() || security->count("--threshold")) {
    char* end = nullptr;
    errno = 0;
    // As systemd's safe_atou(): strtoul's bases (0x.. hex, 0.. octal),
    // leading blanks and '+' allowed, no minus sign.
    unsigned long t = std::strtoul(threshold.c_str(), &end, 0);
    size_t sign = threshold.find_first_not_of(" \t\n\r\v\f");
    if (errno || *end || end == threshold.c_str() || t > 100 ||
        (sign != std::string::npos && threshold[sign] == '-')) {
      std::fprintf(stderr, "Failed to parse threshold: %s\n", threshold.c_str());
      return 1;
    }
    options.threshold = static_cast<unsigned>(t);
  }

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::ios::sync_with_stdio(false);
  if (options.output.empty()) {
    hardnut::Environment env = hardnut::current_environment();
    hardnut::Pager pager(env.vars, env.stdout_is_tty, options.no_pager);
    env.pager_active = pager.active();
    int status = hardnut::run_security(options, env, std::cout, std::cerr, interrupted);
    std::cout.flush();
    return status;
  }
  // The report goes to the file only once complete, so a reader never sees half of it.
  std::ostringstream report;
  int status = hardnut::run_security(options, hardnut::current_environment(), report, std::cerr,
                                     interrupted);
  std::string error;
  if (status != 130 &&
      hardnut::write_file_atomically(options.output, report.str(), 0644, error) != 0) {
    std::cerr << "hardnut: " << error << "\n";
    return 1;
  }
  return status;
}
