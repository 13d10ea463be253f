// Fuzz target: the security-policy loader (parse_policy) and what a policy
// feeds: the assessment of a unit with the overridden weights, ranges and
// descriptions, rendered as the table and as JSON (run_security with
// --security-policy=FILE, the path the command line takes).
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "assess/policy.h"
#include "cli/security_command.h"

namespace hardnut::fuzz {

int policy_one_input(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Policy policy;
  std::string error;
  bool ok = parse_policy(text, policy, error);
  if (!ok) {
    // "<line>:<column>: Invalid argument"
    size_t colon = error.find(':');
    HARDNUT_FUZZ_CHECK(colon != std::string::npos && colon > 0);
    HARDNUT_FUZZ_CHECK(error.size() > 18 &&
                       error.substr(error.size() - 18) == ": Invalid argument");
  }

  static const std::string dir = [] {
    std::string d = scratch_dir() + "/policy";
    reset_dir(d);
    // A unit that scores in the middle of the range, with n/a and good rows.
    write_file(d + "/p.service",
               "[Service]\nExecStart=/bin/true\nUser=nobody\nPrivateTmp=yes\n"
               "ProtectSystem=strict\nRestrictAddressFamilies=AF_UNIX\n"
               "SystemCallFilter=@system-service\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\n");
    return d;
  }();
  write_file(dir + "/policy.json", text);

  SecurityOptions o;
  o.offline = true;
  o.units = {dir + "/p.service"};
  o.policy_path = dir + "/policy.json";
  o.json = size % 3 == 0 ? JsonMode::kOff : size % 3 == 1 ? JsonMode::kShort : JsonMode::kPretty;
  Environment env;
  env.vars = {{"SYSTEMD_UNIT_PATH", ""}, {"LANG", "C.UTF-8"}, {"TERM", "xterm"}};
  env.cwd = dir;
  std::string out, err;
  int status = run_security(o, env, out, err);
  HARDNUT_FUZZ_CHECK(status == 0 || status == 1);
  HARDNUT_FUZZ_CHECK(ok || (status == 1 && out.empty()));
  return 0;
}

}  // namespace hardnut::fuzz

HARDNUT_FUZZ_ENTRY(policy_one_input)
