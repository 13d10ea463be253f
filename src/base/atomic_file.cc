#include "base/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace hardnut {

namespace {

// ".<base>.hardnut-<pid>-<16 hex digits>~": hidden, and the trailing "~"
// keeps it from ending in ".conf" or a unit suffix, so that systemd (and
// hardnut) never read a half-written temporary file as configuration.
constexpr std::string_view kTag = ".hardnut-";

std::string temp_name(std::string_view base, pid_t pid) {
  uint64_t r = 0;
  if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r) {
    static uint64_t counter = 0;
    r = (static_cast<uint64_t>(time(nullptr)) << 20) ^ ++counter ^ reinterpret_cast<uintptr_t>(&r);
  }
  char suffix[64];
  snprintf(suffix, sizeof suffix, "%d-%016llx~", static_cast<int>(pid),
           static_cast<unsigned long long>(r));
  return "." + std::string(base) + std::string(kTag) + suffix;
}

// The writer's pid in a temporary file name, or -1.
pid_t temp_owner(std::string_view name, std::string_view base) {
  if (!is_temp_file_for(name, base)) return -1;
  std::string_view rest = name.substr(1 + base.size() + kTag.size());
  pid_t pid = 0;
  for (char c : rest) {
    if (c == '-') return pid;
    pid = pid * 10 + (c - '0');
  }
  return -1;
}

void split(const std::string& path, std::string& dir, std::string& base) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    dir = ".";
    base = path;
  } else {
    dir = slash == 0 ? "/" : path.substr(0, slash);
    base = path.substr(slash + 1);
  }
}

int fail(std::string& error, const std::string& what, const std::string& path, int e) {
  error = what + " " + path + ": " + std::strerror(e);
  return e;
}

}  // namespace

bool is_temp_file_for(std::string_view name, std::string_view base) {
  // "." base kTag digits "-" 16 hex "~"
  if (name.size() < 1 + base.size() + kTag.size() + 1 + 1 + 16 + 1) return false;
  if (name[0] != '.' || name.substr(1, base.size()) != base ||
      name.substr(1 + base.size(), kTag.size()) != kTag || name.back() != '~')
    return false;
  std::string_view rest = name.substr(1 + base.size() + kTag.size());
  rest.remove_suffix(1);
  size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || rest.size() - dash - 1 != 16) return false;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (i < dash ? !(c >= '0' && c <= '9')
                 : i > dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  return true;
}

int remove_stale_temp_files(const std::string& path) {
  std::string dir, base;
  split(path, dir, base);
  DIR* d = opendir(dir.c_str());
  if (!d) return 0;
  int removed = 0;
  while (dirent* e = readdir(d)) {
    pid_t owner = temp_owner(e->d_name, base);
    if (owner <= 0) continue;
    // A writer that still runs may be about to rename its file.
    if (owner == getpid() || kill(owner, 0) == 0 || errno != ESRCH) continue;
    if (unlinkat(dirfd(d), e->d_name, 0) == 0) ++removed;
  }
  closedir(d);
  return removed;
}

int write_file_atomically(const std::string& path, std::string_view content, mode_t mode,
                          std::string& error) {
  std::string dir, base;
  split(path, dir, base);
  if (base.empty() || base == "." || base == "..")
    return fail(error, "Failed to write", path, EISDIR);
  remove_stale_temp_files(path);

  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return fail(error, "Failed to open directory of", path, errno);

  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = temp_name(base, getpid());
    fd = openat(dfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    int e = errno;
    close(dfd);
    return fail(error, "Failed to create a temporary file for", path, e);
  }

  auto abandon = [&](const std::string& what, int e) {
    if (fd >= 0) close(fd);
    unlinkat(dfd, tmp.c_str(), 0);
    close(dfd);
    return fail(error, what, path, e);
  };

  if (fchmod(fd, mode) < 0) return abandon("Failed to set the mode of", errno);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return abandon("Failed to write", errno);
    }
    if (n == 0) return abandon("Failed to write", EIO);
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) < 0) return abandon("Failed to write", errno);
  int c = close(fd);
  fd = -1;
  if (c < 0) return abandon("Failed to write", errno);
  if (renameat(dfd, tmp.c_str(), dfd, base.c_str()) < 0) return abandon("Failed to replace", errno);
  // The rename is durable only once the directory is.
  if (fsync(dfd) < 0) {
    int e = errno;
    close(dfd);
    return fail(error, "Failed to sync the directory of", path, e);
  }
  close(dfd);
  error.clear();
  return 0;
}

}  // namespace hardnut
