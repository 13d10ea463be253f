// The fixture of tests that write unit files into a scratch directory and
// score them with `hardnut security` (offline, nothing else on the search
// path), to check another command's prediction against it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "cli/security_command.h"
#include "testing/test_files.h"

namespace hardnut::testing_support {

// The "X.Y" of the summary line of `hardnut security`'s output; "" if none.
inline std::string printed_exposure(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("Overall exposure level for [^:]+: (\\d+\\.\\d) ")))
    return "";
  return m[1].str();
}

class ScratchUnitsTest : public ::testing::Test {
 protected:
  explicit ScratchUnitsTest(std::string tag) : tag_(std::move(tag)) {}

  void SetUp() override {
    dir_ = make_test_dir(tag_);
    env_.cwd = dir_.string();
    env_.vars = {{"LANG", "C.UTF-8"}, {"SYSTEMD_UNIT_PATH", ""}};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& content) {
    write_test_file(dir_, name, content);
  }

  // The exposure `hardnut security` prints for `unit` (with `set` as --set
  // lines), in tenths; -1 when it refuses the unit (a test failure unless
  // `may_refuse`), whose messages are then in last_error_.
  int security_exposure(const std::string& unit, const std::vector<std::string>& set = {},
                        bool may_refuse = false) {
    SecurityOptions o;
    o.offline = true;
    o.units = {unit};
    o.set_lines = set;
    std::string out;
    last_error_.clear();
    if (run_security(o, env_, out, last_error_) != 0) {
      if (!may_refuse) ADD_FAILURE() << unit << " was not scored:\n" << last_error_;
      return -1;
    }
    std::string printed = printed_exposure(out);
    if (printed.empty()) return -1;
    return std::stoi(printed.substr(0, printed.size() - 2)) * 10 + (printed.back() - '0');
  }

  std::filesystem::path dir_;
  Environment env_;
  std::string last_error_;

 private:
  std::string tag_;
};

}  // namespace hardnut::testing_support
