// Fuzz target: the command line. src/cli/main.cc is compiled into this target
// with main renamed to hardnut_cli_main (see CMakeLists.txt), so the input's
// arguments go through CLI11, main's own value checks (--offline=,
// --threshold=, --json=) and run_security() exactly as in `hardnut`.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "fuzz_cli_fixture.h"

int hardnut_cli_main(int argc, char** argv);

namespace hardnut::fuzz {

int cli_one_input(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    std::string d = scratch_dir() + "/cli";
    make_cli_fixture(d);
    for (const auto& [k, v] : cli_environment(d)) setenv(k.c_str(), v.c_str(), 1);
    return d;
  }();
  std::vector<std::string> args = cli_arguments(data, size);
  if (may_leave_fixture(args)) return -1;  // not kept in the corpus
  std::vector<char*> argv;
  std::string argv0 = "hardnut";
  argv.push_back(argv0.data());
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // main() reads the working directory; libFuzzer's relative paths need
  // the old one back afterwards.
  int old_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (old_cwd < 0 || chdir(dir.c_str()) != 0) abort();
  int status = hardnut_cli_main(static_cast<int>(argv.size() - 1), argv.data());
  if (fchdir(old_cwd) != 0) abort();
  close(old_cwd);
  HARDNUT_FUZZ_CHECK(status >= 0 && status <= 255);
  return 0;
}

}  // namespace hardnut::fuzz

HARDNUT_FUZZ_ENTRY(cli_one_input)
