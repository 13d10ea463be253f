#include "directives/address_family.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace hardnut {
namespace {

TEST(AddressFamily, FromName) {
  EXPECT_EQ(address_family_from_name("AF_UNIX"), AF_UNIX);
  EXPECT_EQ(address_family_from_name("AF_INET"), AF_INET);
  EXPECT_EQ(address_family_from_name("AF_INET6"), AF_INET6);
  EXPECT_EQ(address_family_from_name("AF_NETLINK"), AF_NETLINK);
  EXPECT_EQ(address_family_from_name("AF_PACKET"), AF_PACKET);
  EXPECT_EQ(address_family_from_name("AF_BLUETOOTH"), AF_BLUETOOTH);
  EXPECT_EQ(address_family_from_name("AF_DECnet"), AF_DECnet);
  EXPECT_EQ(address_family_from_name("AF_MCTP"), 45);
  // Oracle: aliases are accepted; AF_ROUTE counts as netlink in the assessment.
  EXPECT_EQ(address_family_from_name("AF_LOCAL"), AF_UNIX);
  EXPECT_EQ(address_family_from_name("AF_FILE"), AF_UNIX);
  EXPECT_EQ(address_family_from_name("AF_ROUTE"), AF_NETLINK);
  // Oracle: lookups ignore case ("af_unix" restricts to local sockets).
  EXPECT_EQ(address_family_from_name("af_unix"), AF_UNIX);
  EXPECT_EQ(address_family_from_name("Af_Unix"), AF_UNIX);
  EXPECT_EQ(address_family_from_name("AF_DECNET"), AF_DECnet);
  // Oracle: all of these are "Failed to parse address family".
  for (const char* bad :
       {"AF_UNSPEC", "AF_MAX", "PF_UNIX", "unix", "1", "AF_", "AF_FOO", "none", ""})
    EXPECT_EQ(address_family_from_name(bad), std::nullopt) << bad;
}

TEST(AddressFamily, Names) {
  EXPECT_EQ(address_family_name(AF_UNIX), "AF_UNIX");
  EXPECT_EQ(address_family_name(AF_NETLINK), "AF_NETLINK");
  EXPECT_EQ(address_family_name(AF_MCTP), "AF_MCTP");
  EXPECT_EQ(address_family_name(0), "");
  for (int af = 1; af <= 45; ++af) EXPECT_EQ(address_family_from_name(address_family_name(af)), af);
}

struct Result {
  AddressFamilyFilter filter;
  std::vector<std::string> warnings;
};

Result Apply(std::initializer_list<std::string_view> lines) {
  Result r;
  for (std::string_view l : lines) apply_address_families_assignment(l, r.filter, r.warnings);
  return r;
}

TEST(AddressFamily, Modes) {
  Result r = Apply({"AF_UNIX AF_INET"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, (std::set<int>{AF_UNIX, AF_INET}));
  EXPECT_TRUE(r.warnings.empty());

  r = Apply({"AF_UNIX AF_INET", "~AF_INET"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});

  r = Apply({"~AF_PACKET", "AF_PACKET"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());

  // Oracle: the emptied deny-list keeps its mode: AF_UNIX is then removed
  // (not a new allow-list), all five checks stay bad.
  r = Apply({"~AF_PACKET", "AF_PACKET", "AF_UNIX"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());

  r = Apply({"none"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());

  r = Apply({"none", "AF_UNIX"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});

  // Oracle: after "none" the next assignment fixes the mode again:
  // "~AF_UNIX" → deny-list {AF_UNIX} (only the unix check good).
  r = Apply({"none", "~AF_UNIX"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});

  r = Apply({"AF_UNIX", "", "~AF_UNIX"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});

  r = Apply({"~AF_UNIX", "", "AF_UNIX"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});

  r = Apply({"AF_UNIX", ""});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());

  // A lone "~" fixes deny mode with nothing listed.
  r = Apply({"~", "AF_UNIX"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());

  r = Apply({"~ AF_UNIX"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});

  r = Apply({"af_unix AF_ROUTE"});
  EXPECT_EQ(r.filter.families, (std::set<int>{AF_UNIX, AF_NETLINK}));
}

TEST(AddressFamily, UnknownNames) {
  // Oracle: an allow-list of unknown names only is an empty allow-list, and
  // it fixes the mode: a later "~AF_UNIX" removes from it (all checks good).
  Result r = Apply({"AF_FOO", "~AF_UNIX"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());
  EXPECT_EQ(r.warnings,
            std::vector<std::string>{"Failed to parse address family, ignoring: AF_FOO"});

  r = Apply({"~AF_FOO", "AF_UNIX"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());

  r = Apply({"AF_UNIX,AF_INET"});
  EXPECT_EQ(r.warnings,
            std::vector<std::string>{"Failed to parse address family, ignoring: AF_UNIX,AF_INET"});

  // "none" is special only as the whole value, and only in lower case.
  r = Apply({"~none"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_EQ(r.warnings, std::vector<std::string>{"Failed to parse address family, ignoring: none"});
  r = Apply({"none AF_UNIX"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});
  EXPECT_EQ(r.warnings, std::vector<std::string>{"Failed to parse address family, ignoring: none"});
  r = Apply({"None"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_EQ(r.warnings, std::vector<std::string>{"Failed to parse address family, ignoring: None"});
}

TEST(AddressFamily, Quoting) {
  Result r = Apply({"\"AF_UNIX\" 'AF_INET'"});
  EXPECT_EQ(r.filter.families, (std::set<int>{AF_UNIX, AF_INET}));
  EXPECT_TRUE(r.warnings.empty());

  // Oracle: the message shows the value without "~"; earlier words apply.
  r = Apply({"~AF_UNIX \"AF_INET"});
  EXPECT_FALSE(r.filter.allow_list);
  EXPECT_EQ(r.filter.families, std::set<int>{AF_UNIX});
  EXPECT_EQ(r.warnings, std::vector<std::string>{"Invalid syntax, ignoring: AF_UNIX \"AF_INET"});

  // Oracle: the set exists after the bad line; "~AF_INET" then removes from
  // an empty allow-list (all checks good).
  r = Apply({"\"AF_UNIX", "~AF_INET"});
  EXPECT_TRUE(r.filter.allow_list);
  EXPECT_TRUE(r.filter.families.empty());
  EXPECT_EQ(r.warnings, std::vector<std::string>{"Invalid syntax, ignoring: \"AF_UNIX"});

  r = Apply({"AF_UNIX\\\\"});
  EXPECT_EQ(r.warnings,
            std::vector<std::string>{"Failed to parse address family, ignoring: AF_UNIX\\"});
}

}  // namespace
}  // namespace hardnut
