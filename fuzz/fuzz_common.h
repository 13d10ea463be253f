// Shared helpers of the libFuzzer targets in this folder and of the gtest
// that replays their corpora and regressions in the normal build
// (src/cli/fuzz_regressions_test.cc includes the targets' .cc files with
// HARDNUT_FUZZ_NO_ENTRY defined).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace hardnut::fuzz {

// Fails the run the way a sanitizer would: libFuzzer records the input.
#define HARDNUT_FUZZ_CHECK(cond)                                                          \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                            \
    }                                                                                     \
  } while (0)

// Splits `data` at every occurrence of `separator`.
inline std::vector<std::string_view> split_input(std::string_view data,
                                                 std::string_view separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = data.find(separator, start);
    if (at == std::string_view::npos) break;
    parts.push_back(data.substr(start, at - start));
    start = at + separator.size();
  }
  parts.push_back(data.substr(start));
  return parts;
}

// A private scratch directory, made once per process and removed at exit.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = getenv("TMPDIR");
    std::string base = tmp && *tmp ? tmp : "/tmp";
    // /dev/shm keeps the per-input file writes off the disk when it exists.
    if (!tmp && access("/dev/shm", W_OK) == 0) base = "/dev/shm";
    std::string templ = base + "/hardnut-fuzz-XXXXXX";
    if (!mkdtemp(templ.data())) {
      perror("mkdtemp");
      abort();
    }
    static std::string to_remove;
    to_remove = templ;
    atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(to_remove, ec);
    });
    return templ;
  }();
  return dir;
}

inline void write_file(const std::string& path, std::string_view content) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    perror(path.c_str());
    abort();
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      perror(path.c_str());
      abort();
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
}

// Empties `dir` (made if missing) without removing it.
inline void reset_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    std::filesystem::remove_all(e.path(), ec);
}

}  // namespace hardnut::fuzz

// Each target defines `int <name>_one_input(const uint8_t*, size_t)` in
// namespace hardnut::fuzz and ends with HARDNUT_FUZZ_ENTRY(<name>_one_input).
#ifdef HARDNUT_FUZZ_NO_ENTRY
#define HARDNUT_FUZZ_ENTRY(fn)
#else
#define HARDNUT_FUZZ_ENTRY(fn)                                              \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    return hardnut::fuzz::fn(data, size);                                   \
  }
#endif
