#include "base/root_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace hardnut {

namespace {

int sys_openat2(int dirfd, const char* path, int flags, uint64_t resolve) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
  how.resolve = resolve;
  return static_cast<int>(syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

// Retries EAGAIN, which openat2 may return under concurrent renames.
int open_retrying(int dirfd, const char* path, int flags, uint64_t resolve) {
  for (int attempt = 0;; ++attempt) {
    int fd = sys_openat2(dirfd, path, flags, resolve);
    if (fd >= 0 || errno != EAGAIN || attempt > 8) return fd;
  }
}

}  // namespace

std::string normalize_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

std::string path_join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string dirname_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string basename_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

RootFs::RootFs(const std::string& root) : root_(root.empty() ? "/" : root) {
  root_fd_ = open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) throw std::system_error(errno, std::generic_category(), root_);
}

RootFs::~RootFs() {
  if (root_fd_ >= 0) close(root_fd_);
}

int RootFs::open_in_root(const std::string& path, int flags, bool follow_last) const {
  // Relative paths are taken from the current directory on the host root
  // only; inside a foreign root everything is relative to the root.
  if (root_ == "/" && !path.empty() && path[0] != '/') {
    return open_retrying(AT_FDCWD, path.c_str(), flags | (follow_last ? 0 : O_NOFOLLOW), 0);
  }
  std::string rel = path;
  while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
  if (rel.empty()) rel = ".";
  return open_retrying(root_fd_, rel.c_str(), flags | (follow_last ? 0 : O_NOFOLLOW),
                       RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

RootFs::Kind RootFs::kind(const std::string& path) const {
  int fd = open_in_root(path, O_PATH, true);
  if (fd < 0) return Kind::kMissing;
  struct stat st;
  int r = fstat(fd, &st);
  close(fd);
  if (r < 0) return Kind::kMissing;
  if (S_ISREG(st.st_mode)) return Kind::kRegular;
  if (S_ISDIR(st.st_mode)) return Kind::kDirectory;
  return Kind::kOther;
}

RootFs::Node RootFs::node(const std::string& path) const {
  int fd = open_in_root(path, O_PATH, false);
  if (fd < 0) return {Kind::kMissing, false};
  struct stat st;
  int r = fstat(fd, &st);
  close(fd);
  if (r < 0) return {Kind::kMissing, false};
  if (S_ISLNK(st.st_mode)) return {Kind::kOther, true};
  return {S_ISREG(st.st_mode)   ? Kind::kRegular
          : S_ISDIR(st.st_mode) ? Kind::kDirectory
                                : Kind::kOther,
          false};
}

bool RootFs::is_device(const std::string& path) const {
  int fd = open_in_root(path, O_PATH, true);
  if (fd < 0) return false;
  struct stat st;
  int r = fstat(fd, &st);
  close(fd);
  return r == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

std::optional<std::string> RootFs::read_link(const std::string& path) const {
  int fd = open_in_root(path, O_PATH, false);
  if (fd < 0) return std::nullopt;
  char buf[4096];
  ssize_t n = readlinkat(fd, "", buf, sizeof buf - 1);
  close(fd);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

std::optional<std::string> RootFs::resolve(const std::string& path) const {
  int fd = open_in_root(path, O_PATH, true);
  if (fd < 0) return std::nullopt;
  char buf[4096];
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = readlink(proc.c_str(), buf, sizeof buf - 1);
  close(fd);
  if (n < 0) return std::nullopt;
  std::string host(buf, static_cast<size_t>(n));
  if (root_ == "/") return host;
  // Translate the host path back into the root's view.
  std::string root_real;
  if (char* r = realpath(root_.c_str(), nullptr)) {
    root_real = r;
    free(r);
  }
  if (host == root_real) return std::string("/");
  if (host.rfind(root_real + "/", 0) == 0) return host.substr(root_real.size());
  return std::nullopt;
}

std::vector<std::string> RootFs::list(const std::string& dir) const {
  std::vector<std::string> names;
  for (auto& e : list_entries(dir)) names.push_back(std::move(e.name));
  return names;
}

std::vector<RootFs::Entry> RootFs::list_entries(const std::string& dir) const {
  std::vector<Entry> entries;
  int fd = open_in_root(dir, O_RDONLY | O_DIRECTORY, true);
  if (fd < 0) return entries;
  DIR* d = fdopendir(fd);
  if (!d) {
    close(fd);
    return entries;
  }
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        type = S_ISREG(st.st_mode)   ? DT_REG
               : S_ISDIR(st.st_mode) ? DT_DIR
               : S_ISLNK(st.st_mode) ? DT_LNK
                                     : DT_UNKNOWN;
      }
    }
    Kind kind = type == DT_REG ? Kind::kRegular : type == DT_DIR ? Kind::kDirectory : Kind::kOther;
    entries.push_back({std::move(name), kind, type == DT_LNK});
  }
  closedir(d);
  // Every caller walks the names in order (systemd's order for drop-ins and
  // aliases) or looks them up.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& x, const Entry& y) { return x.name < y.name; });
  return entries;
}

int RootFs::read_file(const std::string& path, std::string& content, size_t max_size) const {
  // O_NONBLOCK so that a FIFO planted as a unit file cannot block us.
  int fd = open_in_root(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, true);
  if (fd < 0) return errno;
  struct stat st;
  if (fstat(fd, &st) < 0) {
    int e = errno;
    close(fd);
    return e;
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return EISDIR;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return EBADFD;
  }
  content.clear();
  if (st.st_size > 0 && static_cast<uint64_t>(st.st_size) < max_size) {
    // The common case, a unit file as long as fstat() says: one read() into
    // the string; a shorter answer than asked for is the end of a regular
    // file, so no second read() just to see it.
    auto want = static_cast<size_t>(st.st_size) + 1;
    content.resize(want);
    ssize_t n;
    do n = read(fd, content.data(), want);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      int e = errno;
      close(fd);
      content.clear();
      return e;
    }
    content.resize(static_cast<size_t>(n));
    if (static_cast<size_t>(n) < want) {
      close(fd);
      return 0;
    }
    // It grew: read the rest as below.
  }
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return e;
    }
    if (n == 0) break;
    if (content.size() + static_cast<size_t>(n) > max_size) {
      close(fd);
      return EFBIG;
    }
    content.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return 0;
}

int RootFs::read_prefix(const std::string& path, std::string& content, size_t max_bytes) const {
  int fd = open_in_root(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, true);
  if (fd < 0) return errno;
  struct stat st;
  int e = fstat(fd, &st) < 0     ? errno
          : S_ISDIR(st.st_mode)  ? EISDIR
          : !S_ISREG(st.st_mode) ? EBADFD
                                 : 0;
  if (e) {
    close(fd);
    return e;
  }
  content.assign(max_bytes, '\0');
  size_t got = 0;
  while (got < max_bytes) {
    ssize_t n = read(fd, content.data() + got, max_bytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int read_error = errno;
      close(fd);
      content.clear();
      return read_error;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  content.resize(got);
  return 0;
}

}  // namespace hardnut
