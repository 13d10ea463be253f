#include "harden/footprint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace hardnut {
namespace {

namespace fs = std::filesystem;

// The footprint of this very process: a real listening socket and a real
// file open for writing, read back from the real /proc.
TEST(Footprint, SeesListeningSocketsAndFilesOpenForWriting) {
  // Wherever the build lives (/tmp included): no path counts as scratch here.
  fs::path dir = fs::canonical("/proc/self/exe").parent_path() /
                 ("footprint-test-" + std::to_string(getpid()));
  const std::vector<std::string> no_scratch;
  fs::create_directories(dir);
  std::string path = (dir / "data.log").string();
  int file = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  ASSERT_GE(file, 0);
  std::string read_only = (dir / "config").string();
  close(open(read_only.c_str(), O_WRONLY | O_CREAT, 0644));
  int reader = open(read_only.c_str(), O_RDONLY);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(s, 1), 0);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  std::string listen_desc = "tcp 127.0.0.1:" + std::to_string(ntohs(a.sin_port));

  Footprint f = footprint_of({getpid()}, getpid(), "/proc", no_scratch);
  EXPECT_TRUE(f.taken);
  EXPECT_TRUE(f.listens.count(listen_desc)) << listen_desc;
  EXPECT_EQ(f.writes.count(path), 1u) << path;
  EXPECT_EQ(f.writes.count(read_only), 0u) << "open only for reading";

  close(s);
  close(file);
  Footprint g = footprint_of({getpid()}, getpid(), "/proc", no_scratch);
  auto lost = lost_footprint(f, g);
  EXPECT_NE(std::find(lost.begin(), lost.end(), "no longer listens on " + listen_desc), lost.end());
  EXPECT_EQ(g.writes.count(path), 0u);
  close(reader);
  fs::remove_all(dir);
}

TEST(Footprint, ScratchFilesDoNotCount) {
  std::string path = "/tmp/hardnut-footprint-" + std::to_string(getpid());
  int file = open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(file, 0);
  EXPECT_EQ(footprint_of({getpid()}, getpid()).writes.count(path), 0u);
  EXPECT_EQ(footprint_of({getpid()}, getpid(), "/proc", {}).writes.count(path), 1u);
  close(file);
  unlink(path.c_str());
}

// Files are opened lazily: losing some is no news, losing all of them is.
TEST(Footprint, FilesAreLostOnlyWhenNoneIsWrittenAnyMore) {
  Footprint before, some, none;
  before.taken = some.taken = none.taken = true;
  before.writes = {"/var/log/syslog", "/var/log/auth.log"};
  some.writes = {"/var/log/syslog"};
  EXPECT_TRUE(lost_footprint(before, some).empty());
  EXPECT_EQ(lost_footprint(before, none),
            (std::vector<std::string>{"no longer holds /var/log/auth.log open for writing",
                                      "no longer holds /var/log/syslog open for writing"}));
}

TEST(Footprint, NothingIsLostWhenEitherSideWasNotTaken) {
  Footprint before;
  before.taken = true;
  before.listens = {"tcp 0.0.0.0:80"};
  EXPECT_TRUE(lost_footprint(before, Footprint{}).empty());
  EXPECT_TRUE(lost_footprint(Footprint{}, before).empty());
  Footprint after;
  after.taken = true;
  EXPECT_EQ(lost_footprint(before, after),
            std::vector<std::string>{"no longer listens on tcp 0.0.0.0:80"});
}

TEST(Footprint, AGroupThatDoesNotExistHasNoProcesses) {
  EXPECT_TRUE(cgroup_pids("/no-such.slice/none.service").empty());
}

}  // namespace
}  // namespace hardnut
