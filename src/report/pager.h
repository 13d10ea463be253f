// The pager on a terminal, as systemd tools do it: output goes through
// $SYSTEMD_PAGER, else $PAGER, else less (then Debian's "pager", less,
// more), unless --no-pager, stdout or stderr is not a terminal, TERM is
// unset or "dumb", or the pager is set to "", blanks or "cat ...".
#pragma once

#include <map>
#include <string>

namespace hardnut {

class Pager {
 public:
  // Starts the pager and points standard output at it, if one applies.
  Pager(const std::map<std::string, std::string>& env, bool stdout_is_tty, bool no_pager);
  // Closes the pipe and waits until the user quits the pager.
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

  bool active() const { return pid_ > 0; }

 private:
  int pid_ = -1;
  int saved_stdout_ = -1;
  int saved_stderr_ = -1;
};

// Which pager command applies (empty: none), from the environment alone.
std::string pager_command(const std::map<std::string, std::string>& env);

// What the pager's environment gets, as systemd sets it: LESS from
// $SYSTEMD_LESS (default "FRSXMK", replacing the user's $LESS), LESSCHARSET
// from $SYSTEMD_LESSCHARSET, else "utf-8" in a UTF-8 locale.
std::map<std::string, std::string> pager_environment(const std::map<std::string, std::string>& env,
                                                     bool utf8);

}  // namespace hardnut
