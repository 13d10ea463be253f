// The process's environment as plain data: variables, working directory,
// terminals and umask. Every verb takes it explicitly, so that tests can
// run them in any environment without touching the process's own.
#pragma once

#include <map>
#include <string>

namespace hardnut {

struct Environment {
  std::map<std::string, std::string> vars;
  std::string cwd;
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  bool pager_active = false;  // standard output goes through a pager
  unsigned tty_columns = 0;   // the terminal's width, 0 if unknown
  unsigned umask = 0022;
};

// This process's environment.
Environment current_environment();

// The value of variable `key`, "" when it is unset.
std::string env_var(const Environment& env, const std::string& key);
bool has_env_var(const Environment& env, const std::string& key);

}  // namespace hardnut
