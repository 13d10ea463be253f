#include "harden/hardening_knowledge.h"

#include <gtest/gtest.h>

#include "directives/directives.h"

namespace hardnut {
namespace {

// The shipped knowledge must parse: a typo in a signal name would
// otherwise make a change look safe for every unit.
TEST(HardeningKnowledge, BuiltinParsesAndEveryLineIsAKnownServiceDirective) {
  const Knowledge& k = builtin_knowledge();
  EXPECT_GE(k.entries.size(), 50u);
  for (const auto& e : k.entries) {
    EXPECT_FALSE(e.restricts.empty()) << e.id;
    EXPECT_FALSE(e.breaks.empty()) << e.id;
    EXPECT_GE(e.since, 38u) << e.id;
    for (const auto& line : e.lines) {
      auto eq = line.find('=');
      ASSERT_NE(eq, std::string::npos) << e.id << ": " << line;
      EXPECT_TRUE(is_known_key("Service", line.substr(0, eq))) << e.id << ": " << line;
    }
  }
}

TEST(HardeningKnowledge, RejectsUnknownSignalInCondition) {
  std::string doc = R"({"format": 1, "signals": [], "entries": [
    {"id": "x", "lines": ["PrivateTmp=yes"], "restricts": "r", "breaks": "b", "risk": "safe",
     "since": 38, "unsafe_if": ["no_such_signal"]}]})";
  Knowledge k;
  std::string error;
  EXPECT_FALSE(parse_knowledge(doc, k, error));
  EXPECT_NE(error.find("no_such_signal"), std::string::npos) << error;
}

TEST(HardeningKnowledge, RejectsBadRiskAndDuplicateIds) {
  Knowledge k;
  std::string error;
  EXPECT_FALSE(parse_knowledge(R"({"format": 1, "signals": [], "entries": [
    {"id": "x", "lines": ["PrivateTmp=yes"], "restricts": "r", "breaks": "b", "risk": "meh",
     "since": 38}]})",
                               k, error));
  EXPECT_FALSE(parse_knowledge(R"({"format": 1, "signals": [], "entries": [
    {"id": "x", "lines": ["A=1"], "restricts": "r", "breaks": "b", "risk": "safe", "since": 38},
    {"id": "x", "lines": ["A=1"], "restricts": "r", "breaks": "b", "risk": "safe", "since": 38}]})",
                               k, error));
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
  EXPECT_FALSE(parse_knowledge("{not json", k, error));
}

TEST(HardeningKnowledge, ConditionsCombineTermsWithAndAndNot) {
  Signals s = {{"a", "evidence a"}, {"c", "evidence c"}};
  std::string why;
  EXPECT_TRUE(condition_holds("a&!b", s, &why));
  EXPECT_EQ(why, "evidence a");
  EXPECT_FALSE(condition_holds("a&c&b", s, nullptr));
  EXPECT_FALSE(condition_holds("!a", s, nullptr));
  EXPECT_TRUE(condition_holds("a&c", s, &why));
  EXPECT_EQ(why, "evidence a; evidence c");
}

UnitFacts facts_running(const std::string& command) {
  UnitFacts f;
  f.unit_type = "service";
  RunCommand c;
  c.key = "ExecStart";
  c.line = command;
  c.argv = {command.substr(0, command.find(' '))};
  c.binary = c.argv[0].substr(c.argv[0].rfind('/') + 1);
  f.commands.push_back(c);
  return f;
}

const HardeningEntry& entry(const std::string& id) {
  for (const auto& e : builtin_knowledge().entries)
    if (e.id == id) return e;
  throw std::runtime_error("no entry " + id);
}

TEST(HardeningKnowledge, SignalsFromTheProgramDecideSafety) {
  const Knowledge& k = builtin_knowledge();
  Signals java = evaluate_signals(k, facts_running("/usr/bin/java -jar app.jar"));
  EXPECT_TRUE(java.count("jit_runtime"));
  EXPECT_FALSE(unsafe_reasons(entry("memory-deny-write-execute"), java).empty());

  Signals python = evaluate_signals(k, facts_running("/usr/bin/python3 -m http.server 8080"));
  EXPECT_FALSE(python.count("jit_runtime"));
  EXPECT_TRUE(unsafe_reasons(entry("memory-deny-write-execute"), python).empty());
  EXPECT_TRUE(python.count("network_server")) << "http.server listens";
  EXPECT_FALSE(unsafe_reasons(entry("private-network"), python).empty());

  Signals sshd = evaluate_signals(k, facts_running("/usr/sbin/sshd -D"));
  EXPECT_TRUE(sshd.count("login_service"));
  EXPECT_FALSE(unsafe_reasons(entry("private-users"), sshd).empty());
  EXPECT_FALSE(unsafe_reasons(entry("no-new-privileges"), sshd).empty());
}

// Dropping a capability from the bounding set takes it from the ambient
// set too: only the capabilities the unit grants matter.
TEST(HardeningKnowledge, AmbientCapabilitiesBlockOnlyTheirOwnDrops) {
  Signals caddy = {
      {"user_set", "User=caddy"},
      {"ambient_capabilities", "AmbientCapabilities=CAP_NET_BIND_SERVICE"},
      {"ambient_has:CAP_NET_BIND_SERVICE", "AmbientCapabilities=CAP_NET_BIND_SERVICE"}};
  EXPECT_FALSE(unsafe_reasons(entry("capability-net-bind-broadcast-raw"), caddy).empty());
  EXPECT_TRUE(unsafe_reasons(entry("capability-sys-time"), caddy).empty());
  EXPECT_FALSE(unsafe_reasons(entry("ambient-capabilities-none"), caddy).empty());
}

TEST(HardeningKnowledge, RejectsBadDescriptionPattern) {
  Knowledge k;
  std::string error;
  EXPECT_FALSE(parse_knowledge(R"j({"format": 1, "entries": [], "signals": [
    {"name": "scanner", "descriptions": ["\\bintegrity (check"]}]})j",
                               k, error));
  EXPECT_NE(error.find("signal scanner"), std::string::npos) << error;
  EXPECT_NE(error.find("integrity (check"), std::string::npos) << error;
  EXPECT_TRUE(parse_knowledge(R"j({"format": 1, "entries": [], "signals": [
    {"name": "scanner", "descriptions": ["\\bintegrity (check|scan)"]}]})j",
                              k, error))
      << error;
  ASSERT_EQ(k.signals.size(), 1u);
  EXPECT_EQ(k.signals[0].descriptions.size(), 1u);
}

UnitFacts facts_described(const std::string& description, const std::string& command) {
  UnitFacts f = facts_running(command);
  f.settings["Unit.Description"] = {description};
  return f;
}

// The program (a wrapper script here) says nothing; the unit's
// Description= does, in any case, and is the evidence.
TEST(HardeningKnowledge, DescriptionMatchGivesEvidence) {
  Knowledge k;
  std::string error;
  ASSERT_TRUE(parse_knowledge(R"j({"format": 1, "entries": [], "signals": [
    {"name": "scanner", "descriptions": ["\\bfile integrity\\b"]},
    {"name": "wide", "any": ["scanner"]}]})j",
                              k, error))
      << error;
  Signals s = evaluate_signals(k, facts_described("Daily File Integrity check", "/usr/bin/run"));
  EXPECT_EQ(s["scanner"], "Description= says \"Daily File Integrity check\"");
  EXPECT_EQ(s["wide"], s["scanner"]);
  EXPECT_FALSE(
      evaluate_signals(k, facts_described("integrity of files", "/usr/bin/run")).count("scanner"));

  Signals aide = evaluate_signals(builtin_knowledge(),
                                  facts_described("daily AIDE check", "/usr/share/aide/bin/run"));
  EXPECT_EQ(aide["integrity_scanner"], "Description= says \"daily AIDE check\"");
  EXPECT_TRUE(aide.count("wide_view"));
  // A wrapper hides borgmatic from the binaries; the description names it.
  Signals borg = evaluate_signals(builtin_knowledge(),
                                  facts_described("borgmatic backup", "systemd-inhibit --who=x"));
  EXPECT_EQ(borg["backup"], "Description= says \"borgmatic backup\"");
  // Not every mention of a word is the class: a backup MX, Swift's object
  // store containers, a mail filter talking to a virus scanner.
  for (const char* d : {"Postfix backup MX relay", "OpenStack Swift container server",
                        "Interface between MTA and virus scanner/content filters"})
    EXPECT_FALSE(evaluate_signals(builtin_knowledge(), facts_described(d, "/usr/bin/run"))
                     .count("wide_view"))
        << d;
}

// For services that must see the whole system, every change that narrows
// what they see is aggressive (possible, never below), whatever lowered
// the risk before; what is known to break them is unchanged.
TEST(HardeningKnowledge, WideViewMakesFileSystemVisibilityAggressive) {
  Signals wide = {{"wide_view", "integrity_scanner: ExecStart= runs aide"},
                  {"user_set", "User=_aide"},
                  {"writable_paths_declared", "StateDirectory=aide"}};
  Signals plain = {{"user_set", "User=_aide"}, {"writable_paths_declared", "StateDirectory=aide"}};
  for (const char* id : {"private-tmp", "private-devices", "private-users", "protect-home-yes",
                         "protect-home-tmpfs", "protect-home-read-only", "protect-system-strict",
                         "protect-proc-invisible", "proc-subset-pid", "device-policy-closed"}) {
    const HardeningEntry& e = entry(id);
    ASSERT_FALSE(e.risk_if.empty()) << id;
    EXPECT_EQ(e.risk_if.front().when, "wide_view") << id;
    EXPECT_EQ(risk_for(e, wide), Risk::kAggressive) << id;
    EXPECT_EQ(unsafe_reasons(e, wide), unsafe_reasons(e, plain)) << id;
  }
  EXPECT_EQ(risk_for(entry("protect-system-strict"), plain), Risk::kStandard);
  EXPECT_EQ(risk_for(entry("private-tmp"), plain), Risk::kSafe);
  // Read-only changes of the system directories keep their risk.
  EXPECT_EQ(risk_for(entry("protect-system-full"), wide), entry("protect-system-full").risk);
}

TEST(HardeningKnowledge, RiskOverridesDependOnTheUnit) {
  const HardeningEntry& e = entry("capability-sys-admin");
  Signals root = {{"runs_as_root", "User= is not set"}};
  Signals user = {{"user_set", "User=www"}};
  EXPECT_EQ(risk_for(e, root), Risk::kStandard);
  EXPECT_EQ(risk_for(e, user), Risk::kSafe);
}

}  // namespace
}  // namespace hardnut
