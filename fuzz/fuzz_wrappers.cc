// Fuzz target: looking through wrappers (src/harden/exec_wrappers.h), the
// reader of untrusted shell scripts and the files they source below a
// unit's root. The input becomes an ExecStart= command and two files in a
// scratch root; look_through_wrappers() must neither crash nor hang, and
// must stay inside its limits.
//
// Input layout: parts separated by "\n-----\n":
//   part 0  the ExecStart= command line, words split on spaces
//   part 1  /usr/sbin/fuzz-wrapper (a script the command may run)
//   part 2  /etc/default/fuzz (a file the script may source)
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "harden/exec_wrappers.h"
#include "harden/hardening_knowledge.h"

namespace hardnut::fuzz {

int wrappers_one_input(const uint8_t* data, size_t size) {
  auto parts = split_input(std::string_view(reinterpret_cast<const char*>(data), size),
                           "\n-----\n");
  static const std::string root = [] {
    std::string d = scratch_dir() + "/wrappers";
    reset_dir(d);
    std::filesystem::create_directories(d + "/usr/sbin");
    std::filesystem::create_directories(d + "/etc/default");
    return d;
  }();
  write_file(root + "/usr/sbin/fuzz-wrapper", parts.size() > 1 ? parts[1] : "");
  write_file(root + "/etc/default/fuzz", parts.size() > 2 ? parts[2] : "");

  UnitFacts facts;
  facts.unit_id = "fuzz.service";
  facts.unit_type = "service";
  RunCommand cmd;
  cmd.key = "ExecStart";
  std::string_view line = parts[0];
  size_t i = 0;
  while (i < line.size()) {
    size_t j = line.find(' ', i);
    if (j == std::string_view::npos) j = line.size();
    if (j > i) cmd.argv.emplace_back(line.substr(i, j - i));
    i = j + 1;
  }
  if (cmd.argv.empty()) return 0;
  cmd.binary = cmd.argv[0].substr(cmd.argv[0].rfind('/') + 1);
  for (const auto& a : cmd.argv) cmd.line += (cmd.line.empty() ? "" : " ") + a;
  facts.commands.push_back(cmd);

  RootFs fs(root);
  WrapperLimits limits;
  look_through_wrappers(facts, fs, builtin_knowledge().launchers, limits);
  HARDNUT_FUZZ_CHECK(facts.commands.size() <= 1 + limits.max_commands);
  for (size_t c = 1; c < facts.commands.size(); ++c)
    HARDNUT_FUZZ_CHECK(!facts.commands[c].via.empty());
  return 0;
}

}  // namespace hardnut::fuzz

HARDNUT_FUZZ_ENTRY(wrappers_one_input)
