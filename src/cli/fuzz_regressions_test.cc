// Replays every committed fuzz seed and every input that once crashed a
// fuzz target (fuzz/corpus/<target>/, fuzz/regressions/<target>/) in the
// normal build, through the same entry points as the libFuzzer targets
// (their .cc files are compiled in here without LLVMFuzzerTestOneInput).
// The command-line target's inputs run through the real `hardnut` binary.
#define HARDNUT_FUZZ_NO_ENTRY 1

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../fuzz/fuzz_cli_fixture.h"
#include "../../fuzz/fuzz_lex.cc"
#include "../../fuzz/fuzz_load.cc"
#include "../../fuzz/fuzz_policy.cc"
#include "../../fuzz/fuzz_profile.cc"
#include "../../fuzz/fuzz_wrappers.cc"
#include "../../tests/catalogue/run_process.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;
using testing_support::ProcessOptions;
using testing_support::run_process;

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    fs::path dir = fs::path(testing_support::source_root()) / "fuzz" / kind / target;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void replay(const std::string& target, int (*one_input)(const uint8_t*, size_t)) {
  auto files = inputs_of(target);
  ASSERT_FALSE(files.empty()) << "no inputs for fuzz target " << target;
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    std::string data = slurp(f);
    EXPECT_EQ(one_input(reinterpret_cast<const uint8_t*>(data.data()), data.size()), 0);
  }
}

TEST(FuzzRegressions, Lex) { replay("lex", fuzz::lex_one_input); }
TEST(FuzzRegressions, Load) { replay("load", fuzz::load_one_input); }
TEST(FuzzRegressions, Policy) { replay("policy", fuzz::policy_one_input); }
TEST(FuzzRegressions, Wrappers) { replay("wrappers", fuzz::wrappers_one_input); }
TEST(FuzzRegressions, Profile) { replay("profile", fuzz::profile_one_input); }

// The command line: each input's arguments through the hardnut binary, in
// the fixture the fuzz target uses. It must exit normally (no signal, no
// sanitizer report, no hang).
TEST(FuzzRegressions, Cli) {
  auto files = inputs_of("cli");
  ASSERT_FALSE(files.empty());
  std::string dir = fuzz::scratch_dir() + "/cli-replay";
  fuzz::make_cli_fixture(dir);
  ProcessOptions po;
  po.cwd = dir;
  po.timeout_seconds = 20;
  po.env = {"PATH=/usr/bin:/bin"};
  for (const auto& [k, v] : fuzz::cli_environment(dir)) po.env.push_back(k + "=" + v);
  for (const auto& e : testing_support::sanitizer_env()) po.env.push_back(e);
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    std::string data = slurp(f);
    auto args = fuzz::cli_arguments(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    if (fuzz::may_leave_fixture(args)) continue;  // the fuzz target skips it too
    std::vector<std::string> argv = {testing_support::hardnut_binary()};
    for (auto& a : args) argv.push_back(a);
    auto r = run_process(argv, po);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.signal, 0) << r.err;
    EXPECT_NE(r.exit_code, 86) << r.err;  // sanitizer report
    EXPECT_TRUE(r.exit_code >= 0 && r.exit_code < 128) << r.exit_code << "\n" << r.err;
  }
}

}  // namespace
}  // namespace hardnut
