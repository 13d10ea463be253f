// Read-only access to a directory tree that may be a foreign root (--root,
// an image, a scanned folder): every path, absolute symlinks and ".."
// included, is resolved inside the root and can never reach outside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hardnut {

class RootFs {
 public:
  // `root` "/" means the host itself. Throws std::system_error if the root
  // cannot be opened.
  explicit RootFs(const std::string& root);
  ~RootFs();
  RootFs(const RootFs&) = delete;
  RootFs& operator=(const RootFs&) = delete;

  const std::string& root() const { return root_; }

  enum class Kind { kMissing, kRegular, kDirectory, kOther };
  // Kind of the object `path` names after following symlinks inside the root.
  Kind kind(const std::string& path) const;
  // What `path` itself is, its last component not followed: a symlink, or
  // the kind of object (one look where kind() and read_link() take two).
  struct Node {
    Kind kind;  // kOther for a symlink
    bool is_symlink;
  };
  Node node(const std::string& path) const;
  // Whether `path`, symlinks followed inside the root, is a character or
  // block device (never opened, so a device cannot block or be read).
  bool is_device(const std::string& path) const;
  // Whether `path` itself (not followed) is a symlink, and its target text.
  std::optional<std::string> read_link(const std::string& path) const;
  // The absolute in-root path `path` resolves to (symlinks followed).
  std::optional<std::string> resolve(const std::string& path) const;
  // Names in a directory, sorted; empty if it is not a readable directory.
  std::vector<std::string> list(const std::string& dir) const;

  struct Entry {
    std::string name;
    Kind kind;  // of the entry itself; symlinks are kOther with is_symlink
    bool is_symlink;
  };
  // Like list() (sorted by name), with the type of each entry (as the
  // directory reports it).
  std::vector<Entry> list_entries(const std::string& dir) const;

  // Reads a whole regular file. Returns an errno value on failure (EISDIR,
  // ENOENT, EACCES, EFBIG for files over `max_size`, ...), 0 on success.
  int read_file(const std::string& path, std::string& content, size_t max_size) const;
  // The first `max_bytes` bytes (or fewer) of a regular file: errno values as
  // read_file(), 0 on success. To tell a script from a binary of any size.
  int read_prefix(const std::string& path, std::string& content, size_t max_bytes) const;

 private:
  int open_in_root(const std::string& path, int flags, bool follow_last) const;
  std::string root_;
  int root_fd_ = -1;
};

// Lexically normalised absolute path: "//a/./b/../c/" -> "/a/c".
std::string normalize_path(const std::string& path);
std::string path_join(const std::string& dir, const std::string& name);
std::string dirname_of(const std::string& path);
std::string basename_of(const std::string& path);

}  // namespace hardnut
