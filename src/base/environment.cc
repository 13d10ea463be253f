#include "base/environment.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

extern char** environ;

namespace hardnut {

std::string env_var(const Environment& env, const std::string& key) {
  auto it = env.vars.find(key);
  return it == env.vars.end() ? std::string() : it->second;
}

bool has_env_var(const Environment& env, const std::string& key) { return env.vars.count(key) > 0; }

Environment current_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env.vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  char buf[4096];
  if (getcwd(buf, sizeof buf)) env.cwd = buf;
  env.stdout_is_tty = isatty(STDOUT_FILENO);
  env.stderr_is_tty = isatty(STDERR_FILENO);
  struct winsize size {};
  if (env.stdout_is_tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
    env.tty_columns = size.ws_col;
  mode_t m = umask(0);
  umask(m);
  env.umask = m;
  return env;
}

}  // namespace hardnut
