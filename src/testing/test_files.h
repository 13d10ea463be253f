// Scratch directories and files for the tests that run hardnut on unit
// files they write.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace hardnut::testing_support {

// A fresh directory named after the running test, such as
// /tmp/hardnut-suggest-1234-ListsGains; the test removes it.
inline std::filesystem::path make_test_dir(const std::string& tag) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("hardnut-" + tag + "-" + std::to_string(getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  return dir;
}

// Writes `content` to dir/name, making the directories on the way.
inline void write_test_file(const std::filesystem::path& dir, const std::string& name,
                            const std::string& content) {
  std::filesystem::create_directories((dir / name).parent_path());
  std::ofstream(dir / name) << content;
}

}  // namespace hardnut::testing_support
