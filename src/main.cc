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

#include "atomic_file.h"
#include "pager.h"
#include "security_command.h"
#include "values.h"
#include "version.h"

namespace {

std::atomic<bool> interrupted{false};

void on_interrupt(int) { interrupted = true; }

}  // namespace

int main(int argc, char** argv) {
  setlocale(LC_ALL, "");
  CLI::App app{"hardnut: measure and improve the security exposure of systemd services"};
  app.set_version_flag("--version", std::string("hardnut ") + HARDNUT_VERSION +
                                        " (scores like systemd-analyze security of systemd 252)");
  app.require_subcommand(1);

  hardnut::SecurityOptions options;
  std::string offline, json = "off", threshold;
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
  security->add_option("-j,--jobs", options.jobs, "Worker threads for scans (default: all cores)");
  security->add_option("-o,--output", options.output,
                       "Write the report to FILE (atomically) instead of standard output");
  security->add_option("--baseline", options.baseline,
                       "Fail only on units worse than FILE's exposures (recorded if missing)");
  security->add_flag("--update-baseline", options.update_baseline,
                     "Rewrite the --baseline file with this run's exposures");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (!offline.empty() || security->count("--offline")) {
    auto b = hardnut::parse_boolean(offline.empty() ? "yes" : offline);
    if (!b) {
      std::fprintf(stderr, "Failed to parse --offline= argument: %s\n", offline.c_str());
      return 1;
    }
    options.offline = *b;
  }
  if (user) options.scope = hardnut::Scope::kUser;
  if (system) options.scope = hardnut::Scope::kSystem;
  if (json == "help") {
    std::printf("pretty\nshort\noff\n");
    return 0;
  }
  if (json == "short")
    options.json = hardnut::JsonMode::kShort;
  else if (json == "pretty")
    options.json = hardnut::JsonMode::kPretty;
  else if (json != "off") {
    std::fprintf(stderr, "Unknown argument to --json=: %s\n", json.c_str());
    return 1;
  }
  if (!threshold.empty()) {
    char* end = nullptr;
    errno = 0;
    unsigned long t = std::strtoul(threshold.c_str(), &end, 10);
    if (errno || *end || end == threshold.c_str() || t > 100 || threshold[0] == '-') {
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
