// The pager on a terminal, as systemd tools do it: output goes through
// $SYSTEMD_PAGER, else $PAGER, else less (then more), unless --no-pager,
// standard output is not a terminal, or the pager is set to "" or "cat".
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
};

// Which pager command applies (empty: none), from the environment alone.
std::string pager_command(const std::map<std::string, std::string>& env);

}  // namespace hardnut
