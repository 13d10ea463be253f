#include "harden/dropin_install.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "assess/unit.h"
#include "base/atomic_file.h"
#include "base/root_fs.h"

namespace hardnut {

namespace {

// mkdir -p with 0755, as systemctl edit creates drop-in directories.
bool make_dirs(const std::string& dir, std::string& error) {
  std::string partial;
  size_t i = 0;
  while (i < dir.size()) {
    size_t j = dir.find('/', i + 1);
    if (j == std::string::npos) j = dir.size();
    partial = dir.substr(0, j);
    i = j;
    if (partial.empty() || partial == "/") continue;
    if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      error = "Failed to create " + partial + ": " + std::strerror(errno);
      return false;
    }
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = "Failed to create " + dir + ": Not a directory";
    return false;
  }
  return true;
}

}  // namespace

bool is_hardnut_dropin(std::string_view content) {
  size_t i = 0;
  while (i < content.size()) {
    size_t j = content.find('\n', i);
    if (j == std::string_view::npos) j = content.size();
    if (content.substr(i, j - i) == kDropinMarker) return true;
    i = j + 1;
  }
  return false;
}

std::string dropin_backup_path(const std::string& path) { return path + ".bak"; }

bool install_dropin(const std::string& path, const std::string& content, bool force,
                    DropinInstall& result, std::string& error) {
  result = DropinInstall{};
  result.path = path;
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      error = "Refusing to replace " + path + ": it is not a regular file";
      return false;
    }
    RootFs host("/");
    if (int e = host.read_file(path, result.previous_content, kMaxUnitFileSize)) {
      error = "Failed to read " + path + ": " + std::strerror(e);
      return false;
    }
    result.had_previous = true;
    result.previous_mode = st.st_mode & 07777;
    if (!force && !is_hardnut_dropin(result.previous_content)) {
      error = "Refusing to replace " + path + ": hardnut did not write it (no \"" +
              std::string(kDropinMarker) + "\" line); use --force to replace it (a backup is kept)";
      return false;
    }
    if (result.previous_content == content) {
      result.unchanged = true;
      return true;
    }
  } else if (errno != ENOENT) {
    error = "Failed to inspect " + path + ": " + std::strerror(errno);
    return false;
  }
  if (!make_dirs(dirname_of(path), error)) return false;
  if (result.had_previous) {
    result.backup_path = dropin_backup_path(path);
    if (write_file_atomically(result.backup_path, result.previous_content, result.previous_mode,
                              error) != 0)
      return false;
  }
  return write_file_atomically(path, content, 0644, error) == 0;
}

bool restore_dropin(const DropinInstall& install, std::string& error) {
  if (install.unchanged) return true;
  if (install.had_previous)
    return write_file_atomically(install.path, install.previous_content, install.previous_mode,
                                 error) == 0;
  if (unlink(install.path.c_str()) != 0 && errno != ENOENT) {
    error = "Failed to remove " + install.path + ": " + std::strerror(errno);
    return false;
  }
  // The directory is fsynced so that the removal survives a crash, as
  // write_file_atomically() does for renames.
  int fd = open(dirname_of(install.path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  return true;
}

}  // namespace hardnut
