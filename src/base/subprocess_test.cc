#include "base/subprocess.h"

#include <gtest/gtest.h>

#include <chrono>

namespace hardnut {
namespace {

TEST(Subprocess, CollectsOutputAndExitStatus) {
  ProcessResult r = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 10);
  EXPECT_TRUE(r.started);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_EQ(r.output, "out\nerr\n");
  EXPECT_FALSE(r.success());
  EXPECT_TRUE(run_process({"true"}, 10).success());
}

TEST(Subprocess, TimeoutKillsTheWholeGroup) {
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = run_process({"/bin/sh", "-c", "sleep 30 & sleep 30"}, 0.3);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Subprocess, MissingProgram) {
  ProcessResult r = run_process({"/nonexistent/program"}, 10);
  EXPECT_EQ(r.exit_status, 127);
  EXPECT_NE(r.output.find("cannot run"), std::string::npos);
}

TEST(Subprocess, TailLines) {
  EXPECT_EQ(tail_lines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(tail_lines("a\nb\nc", 5), "a\nb\nc");
  EXPECT_EQ(tail_lines("", 3), "");
}

}  // namespace
}  // namespace hardnut
