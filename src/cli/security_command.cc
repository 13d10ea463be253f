#include "cli/security_command.h"

#include <sstream>

#include "cli/live_command.h"
#include "cli/offline_command.h"

namespace hardnut {

int run_security(const SecurityOptions& o, const Environment& env, std::ostream& out,
                 std::ostream& err, const std::atomic<bool>& interrupt) {
  if (!o.offline || !*o.offline) {
    // Live mode when asked for (--offline=no, -H, -M); by default when a
    // manager answers and nothing on the command line is about files.
    bool required = o.offline || !o.host.empty() || !o.machine.empty();
    if (required || !options_imply_offline(o)) {
      std::string why;
      auto status = run_security_live(o, env, out, err,
                                      required ? LiveMode::kRequired : LiveMode::kIfAvailable, why);
      if (status) return *status;
      err << live_fallback_note(why);
    }
  }
  return run_security_offline(o, env, out, err, interrupt);
}

int run_security(const SecurityOptions& o, const Environment& env, std::string& out,
                 std::string& err) {
  std::ostringstream out_stream, err_stream;
  std::atomic<bool> never{false};
  int status = run_security(o, env, out_stream, err_stream, never);
  out = out_stream.str();
  err = err_stream.str();
  return status;
}

}  // namespace hardnut
