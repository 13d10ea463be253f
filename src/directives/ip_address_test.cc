#include "directives/ip_address.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace hardnut {
namespace {

struct Result {
  std::set<std::string> prefixes;  // formatted
  std::vector<std::string> warnings;
};

Result Apply(std::initializer_list<std::string_view> lines) {
  std::set<IpPrefix> set;
  Result r;
  for (std::string_view l : lines) apply_ip_address_assignment(l, set, r.warnings);
  for (const IpPrefix& p : set) r.prefixes.insert(format_ip_prefix(p));
  return r;
}

using S = std::set<std::string>;
using W = std::vector<std::string>;

std::string Invalid(std::string_view w) {
  return "Address prefix is invalid, ignoring assignment: " + std::string(w);
}

TEST(IpPrefix, Operators) {
  IpPrefix a = *parse_ip_prefix("10.0.0.0/8");
  IpPrefix b = *parse_ip_prefix("10.1.2.3/8");
  IpPrefix c = *parse_ip_prefix("10.0.0.0/16");
  IpPrefix d = *parse_ip_prefix("::/0");
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_FALSE(a == c);
  EXPECT_TRUE(a < c || c < a);
  EXPECT_FALSE(a == d);
  EXPECT_TRUE((a < d) != (d < a));
  EXPECT_EQ(std::set<IpPrefix>({a, b, c, d}).size(), 3u);
}

TEST(IpPrefix, Parse) {
  std::optional<IpPrefix> p = parse_ip_prefix("10.1.2.3/8");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->family, AF_INET);
  EXPECT_EQ(p->prefix_length, 8u);
  EXPECT_EQ(p->address[0], 10);
  EXPECT_EQ(p->address[1], 0);
  EXPECT_EQ(format_ip_prefix(*p), "10.0.0.0/8");
  p = parse_ip_prefix("fe80::1/10");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->family, AF_INET6);
  EXPECT_EQ(format_ip_prefix(*p), "fe80::/10");
  EXPECT_EQ(format_ip_prefix(*parse_ip_prefix("::1")), "::1/128");
  EXPECT_EQ(format_ip_prefix(*parse_ip_prefix("1.2.3.4")), "1.2.3.4/32");
  EXPECT_EQ(format_ip_prefix(*parse_ip_prefix("::ffff:1.2.3.4/96")), "::ffff:0.0.0.0/96");
  EXPECT_EQ(parse_ip_prefix("any"), std::nullopt);
}

TEST(IpAddress, SpecialWords) {
  EXPECT_EQ(Apply({"any"}).prefixes, (S{"0.0.0.0/0", "::/0"}));
  EXPECT_EQ(Apply({"localhost"}).prefixes, (S{"127.0.0.0/8", "::1/128"}));
  EXPECT_EQ(Apply({"link-local"}).prefixes, (S{"169.254.0.0/16", "fe80::/64"}));
  EXPECT_EQ(Apply({"multicast"}).prefixes, (S{"224.0.0.0/4", "ff00::/8"}));
  // Oracle: localhost names per is_localhost(), in any case.
  for (const char* name :
       {"localhost.", "LOCALHOST", "foo.localhost", ".localhost", "x.localhost.",
        "localhost.localdomain", "LocalHost.LocalDomain", "x.localhost.localdomain."}) {
    EXPECT_TRUE(is_localhost_name(name)) << name;
    EXPECT_EQ(Apply({name}).prefixes, (S{"127.0.0.0/8", "::1/128"})) << name;
  }
  EXPECT_FALSE(is_localhost_name("localdomain"));
  EXPECT_FALSE(is_localhost_name("localhost.localdomain.x"));
  EXPECT_FALSE(is_localhost_name("xlocalhost"));
  // Oracle: the other special words are exact.
  for (const char* bad : {"Any", "ANY", "Link-Local", "MULTICAST", "linklocal", "\"any\"",
                          "localdomain", "localhost.localdomain.x"}) {
    Result r = Apply({bad});
    EXPECT_TRUE(r.prefixes.empty()) << bad;
    EXPECT_EQ(r.warnings, W{Invalid(bad)});
  }
}

TEST(IpAddress, Prefixes) {
  EXPECT_EQ(Apply({"10.1.2.3"}).prefixes, S{"10.1.2.3/32"});
  EXPECT_EQ(Apply({"10.1.2.3/8"}).prefixes, S{"10.0.0.0/8"});
  EXPECT_EQ(Apply({"1.2.3.4/0"}).prefixes, S{"0.0.0.0/0"});
  EXPECT_EQ(Apply({"::/0"}).prefixes, S{"::/0"});
  EXPECT_EQ(Apply({"::"}).prefixes, S{"::/128"});
  EXPECT_EQ(Apply({"::1/0"}).prefixes, S{"::/0"});
  EXPECT_EQ(Apply({"0:0::1/128"}).prefixes, S{"::1/128"});
  EXPECT_EQ(Apply({"1:2:3:4:5:6:7:8/128"}).prefixes, S{"1:2:3:4:5:6:7:8/128"});
  EXPECT_EQ(Apply({"10.0.0.0/8 192.168.1.1/24 ::/0"}).prefixes,
            (S{"10.0.0.0/8", "192.168.1.0/24", "::/0"}));
  // Oracle: no reduction of covered prefixes, duplicates collapse.
  EXPECT_EQ(Apply({"10.0.0.0/8 10.1.0.0/16"}).prefixes, (S{"10.0.0.0/8", "10.1.0.0/16"}));
  EXPECT_EQ(Apply({"any 10.0.0.0/8 ::1"}).prefixes,
            (S{"0.0.0.0/0", "::/0", "10.0.0.0/8", "::1/128"}));
  EXPECT_EQ(Apply({"1.2.3.4/32 1.2.3.4"}).prefixes, S{"1.2.3.4/32"});
  // Oracle: the length takes systemd's number syntax.
  for (const char* len :
       {"+8", "0x8", "0X8", "010", "0o10", "0b1000", "0B1000", "\\ 8", "\\ 0b1000"})
    EXPECT_EQ(Apply({std::string("1.2.3.4/") + len}).prefixes, S{"1.0.0.0/8"}) << len;
  EXPECT_EQ(Apply({"1.2.3.4/-0"}).prefixes, S{"0.0.0.0/0"});
}

TEST(IpAddress, Invalid) {
  for (const char* bad : {"1.2.3.4/33",  "2001:db8::1/129", "foo",          "1.2.3",
                          "1.2.3.4/",    "1.2.3.4/-1",      "1.2.3.4/08",   "1.2.3.4/256",
                          "1.2.3.4/264", "1.2.3.4/8/8",     "1.2.3.04",     "01.2.3.4",
                          "0x7f.1",      "127.1",           "1.2.3.4%eth0", "fe80::1%eth0/64",
                          "[::1]",       "1.2.3.4,5.6.7.8", "\"\"",         "'x'"}) {
    Result r = Apply({bad});
    EXPECT_TRUE(r.prefixes.empty()) << bad;
    EXPECT_EQ(r.warnings, W{Invalid(bad)}) << bad;
  }
  // Oracle: each word separately; valid words still count.
  Result r = Apply({"1.2.3.4/ 8"});
  EXPECT_EQ(r.warnings, (W{Invalid("1.2.3.4/"), Invalid("8")}));
  r = Apply({"localhost \"\""});
  EXPECT_EQ(r.prefixes, (S{"127.0.0.0/8", "::1/128"}));
  EXPECT_EQ(r.warnings, W{Invalid("\"\"")});
  // Backslash escapes, no C escapes (oracle: "a\ b" → "a b", "/\t8" → "/t8").
  EXPECT_EQ(Apply({"a\\ b"}).warnings, W{Invalid("a b")});
  EXPECT_EQ(Apply({"any\\x"}).warnings, W{Invalid("anyx")});
  EXPECT_EQ(Apply({"1.2.3.4/\\t8"}).warnings, W{Invalid("1.2.3.4/t8")});
}

TEST(IpAddress, Reset) {
  EXPECT_EQ(Apply({"10.0.0.0/8", "", "::1"}).prefixes, S{"::1/128"});
  EXPECT_EQ(Apply({"any", "::1"}).prefixes, (S{"0.0.0.0/0", "::/0", "::1/128"}));
  EXPECT_TRUE(Apply({"any", ""}).prefixes.empty());
}

}  // namespace
}  // namespace hardnut
