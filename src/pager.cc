#include "pager.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace hardnut {

std::string pager_command(const std::map<std::string, std::string>& env) {
  for (const char* var : {"SYSTEMD_PAGER", "PAGER"}) {
    auto it = env.find(var);
    if (it == env.end()) continue;
    const std::string& v = it->second;
    if (v.empty() || v == "cat") return {};
    return v;
  }
  return "less";
}

Pager::Pager(const std::map<std::string, std::string>& env, bool stdout_is_tty, bool no_pager) {
  if (no_pager || !stdout_is_tty) return;
  std::string command = pager_command(env);
  if (command.empty()) return;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    dup2(fds[0], STDIN_FILENO);
    // less: quit if one screen, raw colours, no init, chop long lines.
    setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRSXMK", 1);
    if (!getenv("LESSCHARSET")) setenv("LESSCHARSET", "utf-8", 1);
    signal(SIGPIPE, SIG_DFL);
    if (command.find_first_of(" \t") != std::string::npos) {
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    } else {
      execlp(command.c_str(), command.c_str(), static_cast<char*>(nullptr));
      if (command == "less") execlp("more", "more", static_cast<char*>(nullptr));
    }
    // No pager could run: pass the output through unchanged.
    char buf[65536];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
      if (write(STDOUT_FILENO, buf, static_cast<size_t>(n)) < 0) break;
    _exit(0);
  }
  saved_stdout_ = dup(STDOUT_FILENO);
  dup2(fds[1], STDOUT_FILENO);
  close(fds[0]);
  close(fds[1]);
  // The pager ends the output early when the user quits it.
  signal(SIGPIPE, SIG_IGN);
  pid_ = pid;
}

Pager::~Pager() {
  if (pid_ <= 0) return;
  fflush(stdout);
  dup2(saved_stdout_, STDOUT_FILENO);
  close(saved_stdout_);
  int status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace hardnut
