// The recorder's decoding of events, without a kernel. The recorder itself
// is tested as root by observe_recorder_test (tests/observe/).
#include "observe/recorder.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>

#include "observe/event_decoding.h"

namespace hardnut {
namespace {

TEST(AbsoluteNormalPath, JoinsRelativePathsToTheBase) {
  EXPECT_EQ(absolute_normal_path("/var/lib/app", "data/x.db"), "/var/lib/app/data/x.db");
  EXPECT_EQ(absolute_normal_path("/", "etc/hostname"), "/etc/hostname");
  EXPECT_EQ(absolute_normal_path("/srv", ""), "/srv");
}

TEST(AbsoluteNormalPath, KeepsAbsolutePathsAndNormalisesThem) {
  EXPECT_EQ(absolute_normal_path("/ignored", "/etc//ssh/./sshd_config"), "/etc/ssh/sshd_config");
  EXPECT_EQ(absolute_normal_path("/a/b", "../c/./d/.."), "/a/c");
  EXPECT_EQ(absolute_normal_path("/", "../../x"), "/x");
  EXPECT_EQ(absolute_normal_path("/a", "/"), "/");
  EXPECT_EQ(absolute_normal_path("/a/", "b/"), "/a/b");
}

TEST(SocketAddressText, Inet) {
  uint8_t v4[16] = {127, 0, 0, 1};
  EXPECT_EQ(socket_address_text(AF_INET, v4, "", 16), "127.0.0.1");
  uint8_t v6[16] = {};
  v6[15] = 1;
  EXPECT_EQ(socket_address_text(AF_INET6, v6, "", 28), "::1");
}

TEST(SocketAddressText, UnixPathsAbstractNamesAndUnnamed) {
  uint8_t none[16] = {};
  char path[108] = "/run/app.sock";
  EXPECT_EQ(socket_address_text(AF_UNIX, none, path, 2 + std::strlen(path) + 1), "/run/app.sock");
  // Without the terminating NUL, as a length-exact sockaddr passes it.
  EXPECT_EQ(socket_address_text(AF_UNIX, none, path, 2 + std::strlen(path)), "/run/app.sock");
  char abstract[108] = {'\0', 'a', 'p', 'p'};
  EXPECT_EQ(socket_address_text(AF_UNIX, none, abstract, 2 + 4), "@app");
  EXPECT_EQ(socket_address_text(AF_UNIX, none, path, 2), "");
  EXPECT_EQ(socket_address_text(AF_NETLINK, none, path, 12), "");
}

// A target that names no cgroup is refused, by every build, as any user.
TEST(Recorder, RefusesATargetWithoutCgroup) {
  std::string error;
  EXPECT_EQ(Recorder::start(RecorderTarget{}, error), nullptr);
  EXPECT_NE(error, "");
}

}  // namespace
}  // namespace hardnut
