#include "observe/profile.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/socket.h>

#include "model/syscall_filter.h"

namespace hardnut {
namespace {

RawObservation sample() {
  RawObservation raw;
  raw.unit = "demo.service";
  raw.architecture = "x86_64";
  raw.seconds = 2.5;
  raw.covers_startup = true;
  raw.processes = 3;
  raw.events = 100;
  raw.capabilities_observed = true;
  auto& s = raw.phase[static_cast<int>(Phase::kService)];
  s.syscalls[syscall_number("openat")] = 7;
  s.syscalls[syscall_number("bind")] = 1;
  s.socket_families = {AF_INET, AF_UNIX};
  s.sockets.insert({SocketUse::Op::kBind, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, "127.0.0.1", 8080});
  s.capabilities[10] = 2;  // CAP_NET_BIND_SERVICE
  s.capabilities[21] = 1;  // CAP_SYS_ADMIN, refused
  s.capabilities_denied = {21};
  s.files.insert({"/var/lib/demo/state", true, O_WRONLY | O_CREAT, false, true});
  s.files.insert({"/etc/demo.conf", true, O_RDONLY, false, false});
  s.files.insert({"/var/lib/demo/new", true, 0, true, true});
  s.files.insert({"/dev/null", true, O_RDWR, false, true});
  s.files.insert({"relative.txt", false, O_RDONLY, false, false});
  s.namespace_flags = CLONE_NEWNET | CLONE_NEWUTS;
  s.scheduler_policies = {1};
  s.executables = {"/usr/bin/demo"};
  raw.phase[static_cast<int>(Phase::kSetup)].syscalls[syscall_number("mount")] = 4;
  return raw;
}

TEST(ProfileTest, NamesWhatTheKernelNumbers) {
  Profile p = profile_from(sample());
  EXPECT_EQ(p.service.syscalls.at("openat"), 7u);
  EXPECT_EQ(p.service.syscalls.count("mount"), 0u);
  EXPECT_EQ(p.setup.syscalls.at("mount"), 4u);
  EXPECT_EQ(p.service.socket_families, (std::set<std::string>{"AF_INET", "AF_UNIX"}));
  ASSERT_EQ(p.service.sockets.size(), 1u);
  EXPECT_EQ(p.service.sockets.begin()->type, "stream");
  EXPECT_EQ(p.service.sockets.begin()->port, 8080);
  EXPECT_EQ(p.service.capabilities,
            (std::set<std::string>{"CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"}));
  EXPECT_EQ(p.service.capabilities_denied, (std::set<std::string>{"CAP_SYS_ADMIN"}));
  EXPECT_EQ(p.service.files_written,
            (std::set<std::string>{"/var/lib/demo/new/", "/var/lib/demo/state"}));
  EXPECT_EQ(p.service.files_read, (std::set<std::string>{"/etc/demo.conf"}));
  EXPECT_EQ(p.service.devices, (std::set<std::string>{"/dev/null"}));
  EXPECT_EQ(p.service.files_unresolved, (std::set<std::string>{"relative.txt"}));
  EXPECT_EQ(p.service.namespaces, (std::set<std::string>{"net", "uts"}));
  EXPECT_TRUE(p.service.realtime());
}

TEST(ProfileTest, JsonRoundTrip) {
  Profile p = profile_from(sample());
  p.workloads = {"curl -s http://localhost:8080/"};
  std::string error;
  auto back = profile_from_json(profile_to_json(p), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(profile_to_json(*back), profile_to_json(p));
  EXPECT_EQ(back->service.sockets, p.service.sockets);
  EXPECT_EQ(back->workloads, p.workloads);
}

TEST(ProfileTest, PathsThatAreNotUtf8AreStillWritten) {
  RawObservation raw = sample();
  raw.phase[1].files.insert({"/var/lib/demo/\xff\xfe", true, O_WRONLY, false, true});
  std::string json = profile_to_json(profile_from(raw));
  EXPECT_NE(json.find("/var/lib/demo/\xef\xbf\xbd"), std::string::npos);
  std::string error;
  EXPECT_TRUE(profile_from_json(json, error)) << error;
}

TEST(ProfileTest, RefusesWhatIsNotAProfile) {
  std::string error;
  EXPECT_FALSE(profile_from_json("{\"unit\": \"x\"}", error));
  EXPECT_NE(error.find("hardnut_profile"), std::string::npos);
  EXPECT_FALSE(profile_from_json("{\"hardnut_profile\": 99, \"unit\": \"x\"}", error));
  EXPECT_NE(error.find("format 99"), std::string::npos);
  EXPECT_FALSE(profile_from_json("[1,", error));
  EXPECT_FALSE(profile_from_json(
      "{\"hardnut_profile\": 1, \"unit\": \"x\", \"service\": {\"syscalls\": [1]}}", error));
}

TEST(ProfileTest, MergeJoinsRuns) {
  Profile a = profile_from(sample());
  RawObservation raw = sample();
  raw.covers_startup = false;
  raw.capabilities_observed = false;
  raw.phase[1].syscalls = {{syscall_number("openat"), 3}, {syscall_number("accept4"), 5}};
  Profile b = profile_from(raw);
  std::string error;
  auto m = merge_profiles(a, b, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->runs, 2u);
  EXPECT_DOUBLE_EQ(m->seconds, 5.0);
  EXPECT_TRUE(m->covers_startup);
  EXPECT_FALSE(m->capabilities_observed);
  EXPECT_EQ(m->service.syscalls.at("openat"), 10u);
  EXPECT_EQ(m->service.syscalls.at("accept4"), 5u);
  b.unit = "other.service";
  EXPECT_FALSE(merge_profiles(a, b, error));
  EXPECT_NE(error.find("different units"), std::string::npos);
}

TEST(ProfileTest, CoverageSaysWhatIsMissing) {
  Profile p = profile_from(sample());
  auto notes = coverage_notes(p);
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes.front().find("2.5 s"), std::string::npos);
  for (const auto& n : notes) EXPECT_EQ(n.find("NOT covered"), std::string::npos);
  p.covers_startup = false;
  bool said = false;
  for (const auto& n : coverage_notes(p)) said |= n.find("start-up is NOT covered") != n.npos;
  EXPECT_TRUE(said);
}

}  // namespace
}  // namespace hardnut
