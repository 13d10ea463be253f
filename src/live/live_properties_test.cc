#include "live/live_properties.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "assess/assessment.h"
#include "assess/checks.h"
#include "assess/policy.h"
#include "model/systemd_version.h"

namespace hardnut {
namespace {

// What the manager sends for a service without any hardening.
LiveProperties plain_service() {
  LiveProperties p;
  p.id = "plain.service";
  p.load_state = "loaded";
  p.type = "simple";
  p.notify_access = "none";
  p.keyring_mode = "private";
  p.protect_proc = "default";
  p.proc_subset = "all";
  p.protect_home = "no";
  p.protect_system = "no";
  p.umask = 0022;
  p.device_policy = "auto";
  return p;
}

// The row of the check with that JSON id (as in --json=).
const CheckResult& outcome(const Assessment& a, std::string_view json_field) {
  for (const auto& row : a.rows)
    if (row.check->json_field == json_field) return row;
  static CheckResult none{};
  ADD_FAILURE() << "no check " << json_field;
  return none;
}

Assessment assess_online(const LiveProperties& p) {
  Policy policy;
  return assess(settings_from_properties(p), checks_v252(), policy, {syscall_table(), true});
}

BusIpEntry v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint32_t prefix) {
  return {AF_INET, {a, b, c, d}, prefix};
}

BusIpEntry v6_any() { return {AF_INET6, std::vector<uint8_t>(16, 0), 0}; }

TEST(LiveProperties, PlainServiceScoresLikeTheArticle) {
  // The article's helloworld: 9.6 UNSAFE, online as offline.
  EXPECT_EQ(assess_online(plain_service()).exposure, 96u);
}

TEST(LiveProperties, PrivateMountsImpliedOnlineByMountNamespaceOptions) {
  LiveProperties p = plain_service();
  EXPECT_FALSE(settings_from_properties(p).private_mounts);
  for (auto set : std::vector<void (*)(LiveProperties&)>{
           [](LiveProperties& q) { q.private_tmp = true; },
           [](LiveProperties& q) { q.private_devices = true; },
           [](LiveProperties& q) { q.protect_control_groups = true; },
           [](LiveProperties& q) { q.protect_kernel_tunables = true; },
           [](LiveProperties& q) { q.protect_kernel_modules = true; },
           [](LiveProperties& q) { q.protect_home = "read-only"; },
           [](LiveProperties& q) { q.protect_system = "full"; },
           [](LiveProperties& q) { q.root_image = "/x.raw"; },
           // An empty string is systemd-analyze's NULL, which is not "no".
           [](LiveProperties& q) { q.protect_home = ""; },
       }) {
    LiveProperties q = plain_service();
    set(q);
    EXPECT_TRUE(settings_from_properties(q).private_mounts);
  }
  p.protect_kernel_logs = true;  // drops a capability, but no mount namespace
  EXPECT_FALSE(settings_from_properties(p).private_mounts);
}

TEST(LiveProperties, CapabilityDropsAppliedAgain) {
  LiveProperties p = plain_service();
  p.protect_kernel_modules = p.protect_kernel_logs = p.protect_clock = p.private_devices = true;
  uint64_t caps = settings_from_properties(p).capability_bounding_set;
  for (int cap : {16, 34, 25, 35, 27, 17}) EXPECT_FALSE(caps & (uint64_t{1} << cap)) << cap;
  EXPECT_TRUE(caps & (uint64_t{1} << 21));  // CAP_SYS_ADMIN stays
}

TEST(LiveProperties, SystemCallFilterErrnoSuffixStripped) {
  LiveProperties p = plain_service();
  p.system_call_filter = {"mount:EPERM", "umount2:1", "swapon"};
  auto s = settings_from_properties(p);
  EXPECT_EQ(s.system_call_filter, (std::set<std::string>{"mount", "umount2", "swapon"}));
  EXPECT_FALSE(s.system_call_filter_allow_list);
}

TEST(LiveProperties, AddressFamiliesGroupedByExactName) {
  LiveProperties p = plain_service();
  p.restrict_address_families_allow_list = true;
  p.restrict_address_families = {"AF_INET6", "af_unix"};
  Assessment a = assess_online(p);
  // AF_INET6 opens the internet group; a name the analyser does not know
  // (the manager never sends lower case) opens "other", not AF_UNIX.
  EXPECT_EQ(outcome(a, "RestrictAddressFamilies_AF_INET_INET6").badness, 1u);
  EXPECT_EQ(outcome(a, "RestrictAddressFamilies_AF_UNIX").badness, 0u);
  EXPECT_EQ(outcome(a, "RestrictAddressFamilies_OTHER").badness, 1u);
  EXPECT_EQ(outcome(a, "RestrictAddressFamilies_AF_PACKET").badness, 0u);
}

TEST(LiveProperties, IpAllowListClassifiedByPrefixLengthOnline) {
  LiveProperties p = plain_service();
  p.ip_address_deny = {v4(0, 0, 0, 0, 0), v6_any()};
  EXPECT_EQ(outcome(assess_online(p), "IPAddressDeny").badness, 0u);
  p.ip_address_allow = {v4(127, 0, 0, 0, 8)};  // IPAddressAllow=localhost (v4 half)
  EXPECT_EQ(outcome(assess_online(p), "IPAddressDeny").badness, 2u);
  p.ip_address_allow = {v4(127, 0, 0, 1, 32)};  // 127.0.0.1: "other" online (2 offline)
  EXPECT_EQ(outcome(assess_online(p), "IPAddressDeny").badness, 5u);
}

TEST(LiveProperties, DenyAllNeedsBothFamiliesAndWellFormedEntries) {
  LiveProperties p = plain_service();
  p.ip_address_deny = {v4(0, 0, 0, 0, 0)};
  EXPECT_EQ(outcome(assess_online(p), "IPAddressDeny").badness, 10u);
  // An IPv4 entry with a 16-byte address is neither "deny all" nor localhost.
  p.ip_address_deny = {{AF_INET, std::vector<uint8_t>(16, 0), 0}, v6_any()};
  EXPECT_EQ(outcome(assess_online(p), "IPAddressDeny").badness, 10u);
  p.ip_address_deny = {v4(0, 0, 0, 0, 0), v6_any()};
  p.ip_address_allow = {{AF_INET, {127, 0, 0}, 8}};
  EXPECT_EQ(outcome(assess_online(p), "IPAddressDeny").badness, 5u);
}

TEST(LiveProperties, EmptyUserIsUnsetAndDeviceAllowKeepsManagerOrder) {
  LiveProperties p = plain_service();
  p.user = "";
  EXPECT_FALSE(settings_from_properties(p).user.has_value());
  p.device_policy = "closed";
  p.device_allow = {{"char-rtc", "r"}, {"/dev/null", "rw"}};
  EXPECT_EQ(*outcome(assess_online(p), "DeviceAllow").description,
            "Service has a device ACL with some special devices: char-rtc:r /dev/null:rw");
}

}  // namespace
}  // namespace hardnut
