// The world the argument-parser fuzz target runs in, shared with the gtest
// that replays its inputs through the real `hardnut` binary: a directory
// with a few units, policies and a --root tree, and the input's argv.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"

namespace hardnut::fuzz {

// Input: command-line arguments separated by NUL bytes (argv[0] excluded).
inline std::vector<std::string> cli_arguments(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  for (auto a : split_input(std::string_view(reinterpret_cast<const char*>(data), size),
                            std::string_view("\0", 1))) {
    if (args.size() == 64) break;
    args.emplace_back(a);
  }
  return args;
}

// Whether running `args` could act outside the fixture. hardnut writes
// files (--output, --baseline and --update-baseline, harden --write), and
// the fuzzer runs as whatever user started it: "-o /dev/null" would replace
// the host's /dev/null. Inputs that combine an option that may write with
// any argument containing '/' (a path that may leave the working directory)
// are skipped, as is anything that may reach `harden` (--write installs
// drop-ins in /etc, --apply restarts services and --check runs a command)
// or another machine (-H/--host runs ssh, -M/--machine enters a container).
// So are reads outside the fixture (an absolute path or "..": a scan of
// "../../.." walks the host's whole file system, which is correct but takes
// minutes under the sanitizers and only measures the host).
inline bool may_leave_fixture(const std::vector<std::string>& args) {
  bool writes = false, leaves = false;
  for (const auto& a : args) {
    std::string_view v(a);
    if (v.find("..") != std::string_view::npos || v.starts_with('/') ||
        v.find("=/") != std::string_view::npos)
      return true;
    for (std::string_view word : {"harden", "write", "apply", "check", "--host", "--machine"})
      if (v.find(word) != std::string_view::npos) return true;
    if (v.substr(0, 2) == "-H" || v.substr(0, 2) == "-M") return true;
    if (v.substr(0, 2) == "-o" ||
        (v.substr(0, 2) == "--" &&
         (v.find("out") != std::string_view::npos || v.find("base") != std::string_view::npos ||
          v.find("update") != std::string_view::npos)))
      writes = true;
    if (v.find('/') != std::string_view::npos) leaves = true;
  }
  return writes && leaves;
}

// Makes `dir` (cwd of the run): units in path/ (on SYSTEMD_UNIT_PATH) and
// in the current directory, policies, and root/ for --root=root.
inline void make_cli_fixture(const std::string& dir) {
  reset_dir(dir);
  const char* service = "[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n";
  for (const char* d : {"/path", "/root/etc/systemd/system", "/root/lib/systemd/system",
                        "/run/systemd", "/path/a.service.d", "/root/etc/systemd"}) {
    std::error_code ec;
    std::filesystem::create_directories(dir + d, ec);
  }
  write_file(dir + "/a.service", service);
  write_file(dir + "/path/a.service", service);
  write_file(dir + "/path/a.service.d/x.conf", "[Service]\nUser=nobody\n");
  write_file(dir + "/path/t@.service", "[Service]\nExecStart=/bin/echo %i\n");
  write_file(dir + "/path/s.socket", "[Socket]\nListenStream=80\n");
  write_file(dir + "/path/s.service", service);
  write_file(dir + "/root/etc/systemd/system/r.service", service);
  write_file(dir + "/root/lib/systemd/system/l.service", "[Service]\nExecStart=/bin/true\n");
  write_file(dir + "/root/etc/systemd/systemd-analyze-security.policy",
             "{\"PrivateTmp\": {\"weight\": 2000}}");
  write_file(dir + "/policy.json", "{\"UserOrDynamicUser\": {\"weight\": 0, \"range\": 5}}");
  write_file(dir + "/bad.json", "{\"PrivateTmp\": ");
  write_file(dir + "/zero.json", "{\"PrivateTmp\": {\"range\": 0}}");
}

// The environment of a run (besides PATH): units are looked up in path/
// first, then along the standard search path (inside --root when given).
inline std::vector<std::pair<std::string, std::string>> cli_environment(const std::string& dir) {
  return {{"SYSTEMD_UNIT_PATH", dir + "/path:"},
          {"LANG", "C.UTF-8"},
          {"TERM", "xterm"},
          {"HOME", dir},
          {"XDG_RUNTIME_DIR", dir + "/run"}};
}

}  // namespace hardnut::fuzz
