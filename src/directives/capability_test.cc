#include "directives/capability.h"

#include <gtest/gtest.h>

#include "base/values.h"

namespace hardnut {
namespace {

constexpr uint64_t kAll = ~uint64_t{0};
constexpr uint64_t kKill = uint64_t{1} << 5;
constexpr uint64_t kChown = uint64_t{1} << 0;
constexpr uint64_t kSetuid = uint64_t{1} << 7;

std::vector<std::string> Words(std::string_view s, Quotes q) {
  std::vector<std::string> out;
  std::string w;
  WordResult r;
  while ((r = extract_word(&s, &w, q)) == WordResult::kWord) out.push_back(w);
  if (r == WordResult::kSyntaxError) out.push_back("<error>");
  return out;
}

TEST(ExtractWord, Splitting) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Words("  a\tb  c ", Quotes::kUnquote), (V{"a", "b", "c"}));
  EXPECT_EQ(Words("", Quotes::kUnquote), V{});
  EXPECT_EQ(Words("   ", Quotes::kUnquote), V{});
  EXPECT_EQ(Words("\"a b\" 'c' d\"e\"f", Quotes::kUnquote), (V{"a b", "c", "def"}));
  EXPECT_EQ(Words("\"a b\"", Quotes::kLiteral), (V{"\"a", "b\""}));
  EXPECT_EQ(Words("\"\" x", Quotes::kUnquote), (V{"", "x"}));
  // Backslash escapes the next character, also inside quotes; no C escapes.
  EXPECT_EQ(Words("a\\ b c\\td", Quotes::kLiteral), (V{"a b", "ctd"}));
  EXPECT_EQ(Words("\"a\\\" b\"", Quotes::kUnquote), (V{"a\" b"}));
  EXPECT_EQ(Words("a\\\\", Quotes::kLiteral), (V{"a\\"}));
  EXPECT_EQ(Words("a \"b", Quotes::kUnquote), (V{"a", "<error>"}));
  EXPECT_EQ(Words("a b\\", Quotes::kLiteral), (V{"a", "<error>"}));
}

TEST(ParseNumber, SystemdSyntax) {
  EXPECT_EQ(parse_signed("5"), 5);
  EXPECT_EQ(parse_signed("+5"), 5);
  EXPECT_EQ(parse_signed(" 5"), 5);
  EXPECT_EQ(parse_signed("-0"), 0);
  EXPECT_EQ(parse_signed("-3"), -3);
  EXPECT_EQ(parse_signed("010"), 8);
  EXPECT_EQ(parse_signed("0x10"), 16);
  EXPECT_EQ(parse_signed("0X10"), 16);
  EXPECT_EQ(parse_signed("0b101"), 5);
  EXPECT_EQ(parse_signed("0B101"), 5);
  EXPECT_EQ(parse_signed("0o10"), 8);
  EXPECT_EQ(parse_signed(" 0b101"), 5);
  EXPECT_EQ(parse_signed("0b+101"), 5);
  EXPECT_EQ(parse_signed("+0b101"), std::nullopt);
  EXPECT_EQ(parse_signed("0x+5"), std::nullopt);
  EXPECT_EQ(parse_signed("08"), std::nullopt);
  EXPECT_EQ(parse_signed("5 "), std::nullopt);
  EXPECT_EQ(parse_signed("5.0"), std::nullopt);
  EXPECT_EQ(parse_signed(""), std::nullopt);
  EXPECT_EQ(parse_signed("0x"), std::nullopt);
  EXPECT_EQ(parse_signed("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_unsigned("-0"), 0u);
  EXPECT_EQ(parse_unsigned("-1"), std::nullopt);
  EXPECT_EQ(parse_unsigned("0x8"), 8u);
}

TEST(Capability, FromName) {
  EXPECT_EQ(capability_from_name("CAP_KILL"), 5);
  EXPECT_EQ(capability_from_name("cap_kill"), 5);
  EXPECT_EQ(capability_from_name("Cap_Kill"), 5);
  EXPECT_EQ(capability_from_name("CAP_CHOWN"), 0);
  EXPECT_EQ(capability_from_name("CAP_AUDIT_READ"), 37);
  EXPECT_EQ(capability_from_name("CAP_PERFMON"), 38);
  EXPECT_EQ(capability_from_name("CAP_BPF"), 39);
  EXPECT_EQ(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
  EXPECT_EQ(capability_from_name("kill"), std::nullopt);
  EXPECT_EQ(capability_from_name("CAP_"), std::nullopt);
  EXPECT_EQ(capability_from_name("CAP_ALL"), std::nullopt);
  EXPECT_EQ(capability_from_name(""), std::nullopt);
  // Numbers 0…63, systemd number syntax (oracle: 0x5, 05, +5, 0b101 → cap_kill;
  // 010 → cap_setpcap; 41 and 63 set a bit; 64, -1, 08, 5.0, 1e1 are ignored).
  EXPECT_EQ(capability_from_name("5"), 5);
  EXPECT_EQ(capability_from_name("0x5"), 5);
  EXPECT_EQ(capability_from_name("010"), 8);
  EXPECT_EQ(capability_from_name("0b101"), 5);
  EXPECT_EQ(capability_from_name("-0"), 0);
  EXPECT_EQ(capability_from_name("41"), 41);
  EXPECT_EQ(capability_from_name("63"), 63);
  EXPECT_EQ(capability_from_name("0x3f"), 63);
  EXPECT_EQ(capability_from_name("64"), std::nullopt);
  EXPECT_EQ(capability_from_name("0x40"), std::nullopt);
  EXPECT_EQ(capability_from_name("-1"), std::nullopt);
  EXPECT_EQ(capability_from_name("08"), std::nullopt);
  EXPECT_EQ(capability_from_name("1e1"), std::nullopt);
}

TEST(Capability, NamesRoundTrip) {
  for (int i = 0; i <= kCapLastKnown; ++i) {
    std::string name = capability_name(i);
    ASSERT_EQ(name.substr(0, 4), "cap_");
    EXPECT_EQ(capability_from_name(name), i);
  }
  EXPECT_EQ(capability_name(21), "cap_sys_admin");
  EXPECT_EQ(capability_name(41), "");
  EXPECT_EQ(capability_name(64), "");
}

uint64_t Apply(uint64_t initial, std::initializer_list<std::string_view> lines) {
  uint64_t v = initial;
  std::vector<std::string> warnings;
  for (std::string_view l : lines) apply_capability_assignment(l, initial, v, warnings);
  EXPECT_TRUE(warnings.empty());
  return v;
}

TEST(Capability, BoundingSet) {
  EXPECT_EQ(Apply(kAll, {"CAP_KILL"}), kKill);
  EXPECT_EQ(Apply(kAll, {"~CAP_KILL"}), kAll & ~kKill);
  EXPECT_EQ(Apply(kAll, {""}), 0u);
  EXPECT_EQ(Apply(kAll, {"~"}), kAll);
  EXPECT_EQ(Apply(kAll, {"CAP_FOO"}), 0u);  // only unknown names: empty set
  EXPECT_EQ(Apply(kAll, {"CAP_KILL"}), kKill);
  EXPECT_EQ(Apply(kAll, {"CAP_KILL", "CAP_FOO"}), 0u);  // sum 0 replaces
  EXPECT_EQ(Apply(kAll, {"CAP_KILL", "CAP_CHOWN"}), kKill | kChown);
  EXPECT_EQ(Apply(kAll, {"~CAP_KILL", "~CAP_CHOWN"}), kAll & ~kKill & ~kChown);
  EXPECT_EQ(Apply(kAll, {"CAP_KILL CAP_CHOWN", "~CAP_CHOWN"}), kKill);
  EXPECT_EQ(Apply(kAll, {"CAP_KILL", "~"}), kAll);
  EXPECT_EQ(Apply(kAll, {"~CAP_KILL", "CAP_KILL", "~CAP_CHOWN"}), kAll & ~kChown);
  // Oracle: "~~CAP_KILL" is "~" plus the unknown word "~CAP_KILL" → all bits.
  EXPECT_EQ(Apply(kAll, {"~~CAP_KILL"}), kAll);
  // Oracle: only the first "~" counts; "CAP_KILL ~CAP_CHOWN" → {cap_kill}.
  EXPECT_EQ(Apply(kAll, {"CAP_KILL ~CAP_CHOWN"}), kKill);
  EXPECT_EQ(Apply(kAll, {"~ CAP_KILL"}), kAll & ~kKill);
  EXPECT_EQ(Apply(kAll, {"CAP_KILL,CAP_CHOWN"}), 0u);
  EXPECT_EQ(Apply(kAll, {"63"}), uint64_t{1} << 63);
}

TEST(Capability, Ambient) {
  EXPECT_EQ(Apply(0, {"CAP_KILL CAP_FOO 5"}), kKill);
  EXPECT_EQ(Apply(0, {""}), 0u);
  EXPECT_EQ(Apply(0, {"CAP_KILL", ""}), 0u);
  EXPECT_EQ(Apply(0, {"CAP_KILL", "~CAP_KILL"}), 0u);
  EXPECT_EQ(Apply(0, {"CAP_KILL", "~CAP_KILL", "CAP_CHOWN"}), kChown);
  EXPECT_EQ(Apply(0, {"~CAP_KILL", "CAP_KILL"}), kAll);
  EXPECT_EQ(Apply(0, {"CAP_KILL", "~"}), kAll);
  EXPECT_EQ(Apply(0, {"~"}), kAll);
  EXPECT_EQ(Apply(0, {"64"}), 0u);
}

TEST(Capability, Quoting) {
  // Oracle: quotes are removed; an unterminated quote silently ends the list
  // and keeps what came before; no warning is printed.
  EXPECT_EQ(Apply(0, {"\"CAP_KILL\""}), kKill);
  EXPECT_EQ(Apply(0, {"'cap_kill' cap_chown"}), kKill | kChown);
  EXPECT_EQ(Apply(0, {"CAP_\"KI\"LL"}), kKill);
  EXPECT_EQ(Apply(0, {"\"CAP_KILL CAP_CHOWN\""}), 0u);
  EXPECT_EQ(Apply(0, {"\"CAP_KILL"}), 0u);
  EXPECT_EQ(Apply(0, {"CAP_CHOWN \"CAP_KILL"}), kChown);
  EXPECT_EQ(Apply(0, {"CAP_CHOWN CAP_KILL\""}), kChown);
  EXPECT_EQ(Apply(0, {"CAP_CHOWN \"CAP_KILL\" CAP_SETUID"}), kChown | kKill | kSetuid);
  EXPECT_EQ(Apply(0, {"\" 5\""}), kKill);
  EXPECT_EQ(Apply(0, {"\"5 \""}), 0u);
  EXPECT_EQ(Apply(0, {"\"~CAP_KILL\""}), 0u);
  EXPECT_EQ(Apply(0, {"~\"CAP_KILL\""}), kAll & ~kKill);
  EXPECT_EQ(Apply(0, {"\"CAP_\\KILL\""}), kKill);
  EXPECT_EQ(Apply(0, {"CAP_KILL\\\\"}), 0u);  // the word is "CAP_KILL\"
}

}  // namespace
}  // namespace hardnut
