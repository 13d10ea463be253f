#include "report/pager.h"

#include <fcntl.h>
#include <langinfo.h>
#include <sys/wait.h>
#include <systemd/sd-login.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "base/values.h"

namespace hardnut {

namespace {

// systemd splits the pager command at whitespace and runs it without a
// shell.
std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> words;
  size_t i = 0;
  while ((i = s.find_first_not_of(" \t\n\r", i)) != std::string::npos) {
    size_t end = s.find_first_of(" \t\n\r", i);
    if (end == std::string::npos) end = s.size();
    words.push_back(s.substr(i, end - i));
    i = end;
  }
  return words;
}

// systemd's is_locale_utf8(): $SYSTEMD_UTF8, else the locale's codeset.
bool utf8_locale(const std::map<std::string, std::string>& env) {
  if (auto it = env.find("SYSTEMD_UTF8"); it != env.end())
    if (auto b = parse_boolean(it->second)) return *b;
  const char* codeset = nl_langinfo(CODESET);
  if (codeset && std::string_view(codeset) == "UTF-8") return true;
  // The C locale counts as UTF-8: it is what "no locale" means nowadays.
  const char* ctype = setlocale(LC_CTYPE, nullptr);
  return ctype && (std::string_view(ctype) == "C" || std::string_view(ctype) == "POSIX");
}

// systemd's pager "secure mode" (LESSSECURE=1, no shell escapes from less):
// $SYSTEMD_PAGERSECURE decides, and then the user's pager is trusted;
// unset, it is on unless the session's owner is who we run as (not so
// under sudo), and then only less may run.
struct Security {
  bool secure;
  bool trust_pager;
};

Security pager_security(const std::map<std::string, std::string>& env) {
  if (auto it = env.find("SYSTEMD_PAGERSECURE"); it != env.end()) {
    if (auto b = parse_boolean(it->second)) return {*b, true};
    return {true, false};
  }
  uid_t uid;
  bool own_session = sd_pid_get_owner_uid(0, &uid) >= 0 && uid == geteuid();
  return {!own_session, false};
}

std::string value_or(const std::map<std::string, std::string>& env, const char* key,
                     const std::string& fallback) {
  auto it = env.find(key);
  return it == env.end() ? fallback : it->second;
}

}  // namespace

std::string pager_command(const std::map<std::string, std::string>& env) {
  for (const char* var : {"SYSTEMD_PAGER", "PAGER"}) {
    auto it = env.find(var);
    if (it == env.end()) continue;
    // Empty, blank or "cat ..." means no pager.
    auto words = split_words(it->second);
    if (words.empty() || words[0] == "cat") return {};
    return it->second;
  }
  return "less";
}

std::map<std::string, std::string> pager_environment(const std::map<std::string, std::string>& env,
                                                     bool utf8) {
  std::map<std::string, std::string> out;
  // The user's $LESS is replaced, as systemd does: these options make less
  // quit on one screen, pass colours and keep the screen.
  out["LESS"] = value_or(env, "SYSTEMD_LESS", "FRSXMK");
  std::string charset = value_or(env, "SYSTEMD_LESSCHARSET", utf8 ? "utf-8" : "");
  if (!charset.empty()) out["LESSCHARSET"] = charset;
  return out;
}

Pager::Pager(const std::map<std::string, std::string>& env, bool stdout_is_tty, bool no_pager) {
  // As systemd: no pager unless stdout and stderr are terminals and TERM
  // is set and not "dumb".
  auto term = env.find("TERM");
  if (no_pager || !stdout_is_tty || !isatty(STDERR_FILENO) || term == env.end() ||
      term->second == "dumb")
    return;
  std::string command = pager_command(env);
  if (command.empty()) return;
  // Prepared before fork(): the child only calls async-signal-safe code.
  std::vector<std::string> words = split_words(command);
  auto environment = pager_environment(env, utf8_locale(env));
  Security security = pager_security(env);
  if (security.secure) environment["LESSSECURE"] = "1";
  // Without $SYSTEMD_PAGER/$PAGER systemd tries its list right away.
  bool user_pager = env.count("SYSTEMD_PAGER") || env.count("PAGER");
  bool run_user_pager = user_pager && (security.trust_pager || !security.secure);
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
    for (const auto& [key, value] : environment) setenv(key.c_str(), value.c_str(), 1);
    signal(SIGPIPE, SIG_DFL);
    if (run_user_pager) {
      std::vector<char*> argv;
      for (auto& w : words) argv.push_back(w.data());
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
    }
    // Debian's "pager" alternative, then less and more, as systemd tries
    // them; in secure mode only less, the one known to honour LESSSECURE.
    for (const char* fallback : {"pager", "less", "more"})
      if (!security.secure || std::string_view(fallback) == "less")
        execlp(fallback, fallback, static_cast<char*>(nullptr));
    // No pager could run: pass the output through unchanged.
    char buf[65536];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
      if (write(STDOUT_FILENO, buf, static_cast<size_t>(n)) < 0) break;
    _exit(0);
  }
  saved_stdout_ = dup(STDOUT_FILENO);
  dup2(fds[1], STDOUT_FILENO);
  // Warnings go through the pager too, in order with the report, as
  // systemd does when stderr is the terminal (it always is here).
  saved_stderr_ = dup(STDERR_FILENO);
  dup2(fds[1], STDERR_FILENO);
  close(fds[0]);
  close(fds[1]);
  // The pager ends the output early when the user quits it.
  signal(SIGPIPE, SIG_IGN);
  pid_ = pid;
}

Pager::~Pager() {
  if (pid_ <= 0) return;
  fflush(stdout);
  fflush(stderr);
  dup2(saved_stdout_, STDOUT_FILENO);
  close(saved_stdout_);
  dup2(saved_stderr_, STDERR_FILENO);
  close(saved_stderr_);
  int status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace hardnut
