#include "harden/exec_wrappers.h"

#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/embedded_data.h"
#include "harden/hardening_knowledge.h"
#include "harden/suggest.h"
#include "testing/test_files.h"

namespace hardnut {
namespace {

namespace fs = std::filesystem;

constexpr const char* kApachectl =
    "#!/bin/sh\n"
    "# starts the web server the way Debian's control script does\n"
    "ARGV=\"$@\"\n"
    "HTTPD=${APACHE_HTTPD:-/usr/sbin/apache2}\n"
    "if test -z \"$APACHE_CONFDIR\" ; then\n"
    "    APACHE_CONFDIR=/etc/apache2\n"
    "fi\n"
    "APACHE_ENVVARS=$APACHE_CONFDIR/envvars\n"
    "if test -f $APACHE_ENVVARS; then\n"
    "  . $APACHE_ENVVARS\n"
    "fi\n"
    "case $ARGV in\n"
    "start)\n"
    "    mkdir -p \"$APACHE_RUN_DIR\" 2>/dev/null\n"
    "    $HTTPD ${APACHE_ARGUMENTS} -k $ARGV\n"
    "    ;;\n"
    "*)\n"
    "    echo \"usage: $0 start\" >&2\n"
    "    exit 1\n"
    "esac\n";

class ExecWrappersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::make_test_dir("wrappers");
    fs::create_directories(dir_ / "root");
    root_ = std::make_unique<RootFs>((dir_ / "root").string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file below the root.
  void write(const std::string& name, const std::string& content, bool executable = true) {
    testing_support::write_test_file(dir_ / "root", name, content);
    if (executable)
      fs::permissions(dir_ / "root" / name, fs::perms::owner_all, fs::perm_options::add);
  }
  void elf(const std::string& name) {
    write(name, std::string("\x7f"
                            "ELF\x02\x01\x01\0\0\0",
                            10));
  }

  // The facts of x.service with `service` as its [Service] section, looked
  // through.
  UnitFacts facts(const std::string& service, const WrapperLimits& limits = {}) {
    write("x.service", "[Service]\n" + service, false);
    UnitFileIndex index({{root_.get(), "/"}});
    UnitFacts f = collect_unit_facts(index, "x.service", {});
    look_through_wrappers(f, *root_, builtin_knowledge().launchers, limits);
    return f;
  }

  // The derived command whose base name is `binary`, or nullptr.
  static const RunCommand* derived(const UnitFacts& f, const std::string& binary) {
    for (const auto& c : f.commands)
      if (!c.via.empty() && c.binary == binary) return &c;
    return nullptr;
  }
  static std::string unknown(const UnitFacts& f) {
    auto it = f.facts.find("program_unknown");
    return it == f.facts.end() ? "" : it->second;
  }

  fs::path dir_;
  std::unique_ptr<RootFs> root_;
};

TEST_F(ExecWrappersTest, ShellScriptIsReadWithTheFilesItSources) {
  write("usr/sbin/apachectl", kApachectl);
  write("etc/apache2/envvars",
        "export APACHE_RUN_USER=www-data\nexport APACHE_ARGUMENTS=\"-DFROM_ENVVARS\"\n", false);
  UnitFacts f = facts("ExecStart=/usr/sbin/apachectl start\n");
  const RunCommand* c = derived(f, "apache2");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->via, "ExecStart= runs /usr/sbin/apachectl, which runs /usr/sbin/apache2");
  EXPECT_EQ(c->line, "/usr/sbin/apache2 -DFROM_ENVVARS -k start");
  EXPECT_EQ(c->key, "ExecStart");
  EXPECT_FALSE(derived(f, "mkdir")) << "plumbing is not what the unit runs";
  EXPECT_FALSE(derived(f, "echo"));
  EXPECT_EQ(unknown(f), "");
}

TEST_F(ExecWrappersTest, KnownLauncherTargetsWhenTheFileSaysNothing) {
  // Not in the root: the launcher data says what apachectl runs.
  UnitFacts f = facts("ExecStart=/usr/sbin/apachectl start\n");
  const RunCommand* c = derived(f, "apache2");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->via,
            "ExecStart= runs /usr/sbin/apachectl, which runs /usr/sbin/apache2 (as hardnut knows "
            "apachectl)");
  EXPECT_EQ(unknown(f), "");
  // An ELF binary: postmulti runs postfix, which runs master.
  elf("usr/sbin/postmulti");
  f = facts("ExecStart=/usr/sbin/postmulti -i %i -p start\n");
  ASSERT_TRUE(derived(f, "postfix"));
  ASSERT_TRUE(derived(f, "master"));
  EXPECT_NE(derived(f, "master")->via.find("postmulti, which runs /usr/sbin/postfix"),
            std::string::npos);
  // A Perl script: its interpreter runs, and the data names what it starts.
  write("usr/bin/pg_ctlcluster", "#!/usr/bin/perl -wT\nexec 'pg_ctl';\n");
  f = facts("ExecStart=-/usr/bin/pg_ctlcluster --skip-systemctl-redirect 15-main start\n");
  ASSERT_TRUE(derived(f, "perl"));
  EXPECT_EQ(derived(f, "perl")->line,
            "/usr/bin/perl -wT /usr/bin/pg_ctlcluster --skip-systemctl-redirect 15-main start");
  EXPECT_TRUE(derived(f, "pg_ctl"));
  EXPECT_TRUE(derived(f, "postgres"));
  EXPECT_EQ(unknown(f), "");
  // A shell script that does not say what it starts falls back to the data.
  write("usr/bin/mysqld_safe", "#!/bin/sh\nexec $(pick_server)\n");
  f = facts("ExecStart=/usr/bin/mysqld_safe\n");
  EXPECT_TRUE(derived(f, "mariadbd"));
  EXPECT_EQ(unknown(f), "");
}

TEST_F(ExecWrappersTest, LauncherGrammars) {
  struct Case {
    const char* exec;
    const char* binary;
    const char* line;  // nullptr: not checked
  };
  const Case cases[] = {
      {"systemd-inhibit --who=\"borgmatic\" --why=\"backup\" /usr/bin/borgmatic --verbosity -1",
       "borgmatic", "/usr/bin/borgmatic --verbosity -1"},
      {"/bin/sh -c \"exec /usr/sbin/food --foreground\"", "food", "/usr/sbin/food --foreground"},
      {"/sbin/start-stop-daemon --start --quiet --pidfile /run/x.pid --chuid x --exec "
       "/usr/sbin/xd -- -f -c /etc/xd.conf",
       "xd", "/usr/sbin/xd -f -c /etc/xd.conf"},
      {"/sbin/start-stop-daemon --start --startas /usr/sbin/real --exec /usr/sbin/matched", "real",
       "/usr/sbin/real"},
      {"/usr/sbin/runuser -u nobody -- /usr/bin/cmd1 a", "cmd1", "/usr/bin/cmd1 a"},
      {"/bin/su -s /bin/sh -c \"/usr/bin/cmd2 --x\" nobody", "cmd2", "/usr/bin/cmd2 --x"},
      {"/bin/su nobody -c /usr/bin/cmd3", "cmd3", nullptr},
      {"/usr/bin/env -i FOO=1 BAR=\"2 3\" /usr/bin/cmd4 x", "cmd4", "/usr/bin/cmd4 x"},
      {"/usr/bin/env -S \"/usr/bin/cmd5 -x\" y", "cmd5", "/usr/bin/cmd5 -x y"},
      {"/usr/bin/nice -n 10 /usr/bin/ionice -c3 /usr/bin/chrt -i 0 /usr/bin/taskset -c 0,1 "
       "/usr/bin/cmd6",
       "cmd6", "/usr/bin/cmd6"},
      {"/usr/bin/setpriv --reuid=1000 --regid 1000 --init-groups /usr/bin/cmd7", "cmd7", nullptr},
      {"/usr/bin/timeout -s KILL 1h /usr/bin/cmd8 --once", "cmd8", "/usr/bin/cmd8 --once"},
      {"/usr/bin/flock -w 10 /run/lock/x /usr/bin/cmd9", "cmd9", nullptr},
      {"/usr/bin/flock /run/lock/x -c \"/usr/bin/cmd10 arg\"", "cmd10", "/usr/bin/cmd10 arg"},
      {"/usr/bin/xvfb-run -a -s \"-screen 0 1024x768x24\" /usr/bin/cmd11", "cmd11", nullptr},
      {"/usr/bin/dbus-run-session -- /usr/bin/cmd12", "cmd12", nullptr},
      {"/usr/bin/daemon --name=foo -u nobody -- /usr/bin/cmd13 -x", "cmd13", "/usr/bin/cmd13 -x"},
      {"/usr/bin/python3 -u /usr/sbin/fail2ban-server -xf start", "fail2ban-server",
       "/usr/sbin/fail2ban-server -xf start"},
      {"/usr/bin/python3 -W ignore -m http.server 8080", "http.server", "http.server 8080"},
      {"/usr/bin/java -Xmx1g -Dx=y -jar /usr/share/x/x.jar --port 1", "x.jar", nullptr},
      {"/usr/bin/java -cp /a:/b org.example.Main", "org.example.Main", nullptr},
      {"/usr/bin/perl -wT -MFile::Temp /usr/sbin/pscript", "pscript", nullptr},
      {"/usr/bin/node --max-old-space-size=100 /srv/app/server.js", "server.js", nullptr},
      {"/bin/bash -lc \"exec /usr/bin/cmd14\"", "cmd14", nullptr},
      {"/bin/sh -c 'exec \"$0\" \"$@\"' /usr/bin/cmd15 one two", "cmd15", "/usr/bin/cmd15 one two"},
  };
  for (const auto& c : cases) {
    UnitFacts f = facts(std::string("ExecStart=") + c.exec + "\n");
    const RunCommand* d = derived(f, c.binary);
    ASSERT_TRUE(d) << c.exec;
    if (c.line) {
      EXPECT_EQ(d->line, c.line) << c.exec;
    }
    EXPECT_EQ(d->via.rfind("ExecStart= runs ", 0), 0u) << d->via;
    EXPECT_EQ(unknown(f), "") << c.exec;
  }
  // Launchers that start nothing.
  UnitFacts f = facts(
      "ExecStop=/sbin/start-stop-daemon --stop --exec /usr/sbin/xd\n"
      "ExecStartPre=/usr/bin/env FOO=1\nExecStartPost=/usr/bin/flock -n 3\n");
  EXPECT_FALSE(derived(f, "xd"));
  EXPECT_EQ(unknown(f), "");
}

TEST_F(ExecWrappersTest, ScriptsRunByAShellAndTheirFunctions) {
  write("usr/share/foo/start.sh",
        "#!/bin/sh\n"
        "set -e\n"
        "never() { /usr/sbin/notcalled; }\n"
        "run() {\n  exec /usr/sbin/realdaemon \"$@\"\n}\n"
        "cat <<EOF\n/usr/sbin/inheredoc\nEOF\n"
        "for f in /etc/foo/*.conf; do test -r \"$f\"; done\n"
        "[[ -x /usr/sbin/realdaemon && -r /etc/foo ]] && echo ok\n"
        "if $(kill -0 \"$pid\" 2>/dev/null); then :; fi\n"
        "eval set -- \"$(getopt -o x -- \"$@\")\"\n"
        "helper_defined_elsewhere --quiet\n"
        ". foo-functions\n"
        "run -x --config /etc/foo.conf\n"
        "from_functions\n",
        false);
  // Sourced by name: found on PATH.
  write("usr/bin/foo-functions", "from_functions() { /usr/sbin/sourced_d; }\n", false);
  UnitFacts f = facts("ExecStart=/bin/sh /usr/share/foo/start.sh\n");
  ASSERT_TRUE(derived(f, "start.sh"));
  EXPECT_TRUE(derived(f, "sourced_d"));
  EXPECT_FALSE(derived(f, "helper_defined_elsewhere"));
  const RunCommand* d = derived(f, "realdaemon");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->line, "/usr/sbin/realdaemon -x --config /etc/foo.conf");
  EXPECT_EQ(d->via,
            "ExecStart= runs /bin/sh, which runs /usr/share/foo/start.sh, which runs "
            "/usr/sbin/realdaemon");
  EXPECT_FALSE(derived(f, "notcalled"));
  EXPECT_FALSE(derived(f, "inheredoc"));
  EXPECT_FALSE(derived(f, "-r"));
  EXPECT_EQ(unknown(f), "");
}

TEST_F(ExecWrappersTest, EnvironmentOfTheUnitAndScriptsWithoutExec) {
  write("etc/default/food", "# options\nDAEMON=/usr/sbin/food\nOPTS=\"-a -b\"\n", false);
  UnitFacts f = facts(
      "EnvironmentFile=-/etc/default/food\nEnvironment=EXTRA=--extra\n"
      "ExecStart=/bin/sh -c 'exec $DAEMON $OPTS \"$EXTRA\"'\n"
      "ExecStartPre=/usr/bin/env $OPTS /usr/bin/pre\n");
  ASSERT_TRUE(derived(f, "food"));
  EXPECT_EQ(derived(f, "food")->line, "/usr/sbin/food -a -b --extra");
  EXPECT_EQ(derived(f, "food")->key, "ExecStart");
  EXPECT_EQ(unknown(f), "");
  // A script with no #! line is run by sh.
  write("usr/lib/foo/helper", "PROG=/usr/lib/foo/worker\n$PROG --now\n");
  f = facts("ExecStart=/usr/lib/foo/helper\n");
  ASSERT_TRUE(derived(f, "worker"));
  EXPECT_EQ(derived(f, "worker")->line, "/usr/lib/foo/worker --now");
}

TEST_F(ExecWrappersTest, InterpreterOfAScriptFromItsHashBangLine) {
  elf("usr/bin/node");
  write("usr/bin/nodeapp", "#!/usr/bin/env node\nrequire('x').listen(80);\n");
  UnitFacts f = facts("ExecStart=/usr/bin/nodeapp --port 80\n");
  const RunCommand* d = derived(f, "node");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->line, "/usr/bin/node /usr/bin/nodeapp --port 80");
  Signals s = evaluate_signals(builtin_knowledge(), f);
  ASSERT_TRUE(s.count("jit_runtime"));
  EXPECT_EQ(s["jit_runtime"].find("ExecStart= runs /usr/bin/nodeapp, which runs /usr/bin/env"), 0u)
      << s["jit_runtime"];
  EXPECT_EQ(unknown(f), "");
}

TEST_F(ExecWrappersTest, UnknownProgramsAreSaidWithTheirEvidence) {
  struct Case {
    const char* exec;
    const char* evidence;
  };
  const Case cases[] = {
      {"/usr/bin/python3 -c \"import app; app.main()\"", "with code on its command line (-c)"},
      {"/usr/bin/perl -e 'exec @ARGV'", "with code on its command line (-e)"},
      {"/bin/sh -c \"exec $(cat /etc/foo/daemon) --x\"", "runs a command named at run time"},
      {"/bin/sh -c '$DAEMON --x'", "$DAEMON is not set there"},
      {"/usr/sbin/runuser nobody", "given no program hardnut can name"},
      {"/usr/bin/timeout 5", "given no program hardnut can name"},
      {"/usr/bin/python3", "given no program hardnut can name"},
      {"/bin/sh -c 'eval \"$CMD_FROM_RUNTIME$(date)\"'", "evaluates code built at run time"},
  };
  for (const auto& c : cases) {
    UnitFacts f = facts(std::string("ExecStart=") + c.exec + "\n");
    EXPECT_NE(unknown(f).find(c.evidence), std::string::npos) << c.exec << ": " << unknown(f);
    EXPECT_EQ(unknown(f).rfind("ExecStart= runs ", 0), 0u) << unknown(f);
  }
  // A script that cannot be parsed, and one too large to read.
  write("usr/bin/broken", "#!/bin/sh\nexec /usr/bin/x \"unterminated\n");
  EXPECT_NE(unknown(facts("ExecStart=/usr/bin/broken\n")).find("cannot parse"), std::string::npos);
  write("usr/bin/huge", "#!/bin/sh\n" + std::string(300 * 1024, '#') + "\nexec /usr/bin/x\n");
  EXPECT_NE(unknown(facts("ExecStart=/usr/bin/huge\n")).find("larger than 256 KiB"),
            std::string::npos);
  // A script the reader may not read.
  if (geteuid() != 0) {
    write("usr/bin/secret", "#!/bin/sh\nexec /usr/bin/x\n");
    chmod((dir_ / "root/usr/bin/secret").c_str(), 0);
    EXPECT_NE(unknown(facts("ExecStart=/usr/bin/secret\n")).find("cannot be read"),
              std::string::npos);
  }
  // Nothing unknown about a plain binary, present or not.
  elf("usr/sbin/plaind");
  EXPECT_EQ(unknown(facts("ExecStart=/usr/sbin/plaind -f\nExecStartPre=/usr/sbin/missing\n")), "");
}

TEST_F(ExecWrappersTest, SymlinksNeverLeaveTheRoot) {
  // A script on the host that would name a daemon, reached by symlinks
  // planted in the root: absolute, relative with "..", and a sourced file.
  testing_support::write_test_file(dir_, "outside/evil.sh", "#!/bin/sh\nexec /usr/sbin/nginx\n");
  testing_support::write_test_file(dir_, "outside/vars", "DAEMON=/usr/sbin/nginx\n");
  fs::create_directories(dir_ / "root/usr/sbin");
  fs::create_directories(dir_ / "root/etc/default");
  fs::create_symlink(dir_ / "outside/evil.sh", dir_ / "root/usr/sbin/abs");
  fs::create_symlink("../../../outside/evil.sh", dir_ / "root/usr/sbin/rel");
  fs::create_symlink(dir_ / "outside/vars", dir_ / "root/etc/default/vars");
  // The kernel reports every open of a file outside the root.
  int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(watch, 0);
  ASSERT_GE(inotify_add_watch(watch, (dir_ / "outside").c_str(), IN_OPEN | IN_ACCESS), 0);
  UnitFacts f = facts(
      "ExecStart=/usr/sbin/abs\nExecStartPre=/usr/sbin/rel\n"
      "ExecStartPost=/bin/sh -c '. /etc/default/vars; exec ${DAEMON:-/usr/bin/fallback}'\n");
  EXPECT_FALSE(derived(f, "nginx"));
  ASSERT_TRUE(derived(f, "fallback"));
  char events[4096];
  EXPECT_LE(read(watch, events, sizeof events), 0) << "a file outside the root was opened";
  // The watch works: reading the file directly is seen.
  std::ifstream(dir_ / "outside/evil.sh").get();
  EXPECT_GT(read(watch, events, sizeof events), 0);
  close(watch);
  // Inside the root, the same symlinks are followed.
  write("usr/lib/real.sh", "#!/bin/sh\nexec /usr/sbin/inside\n");
  fs::create_symlink("/usr/lib/real.sh", dir_ / "root/usr/sbin/ok");
  ASSERT_TRUE(derived(facts("ExecStart=/usr/sbin/ok\n"), "inside"));
}

TEST_F(ExecWrappersTest, RecursionIsLimited) {
  // Scripts running each other ten deep.
  for (int i = 0; i < 10; ++i)
    write("usr/lib/chain/s" + std::to_string(i),
          "#!/bin/sh\nexec /usr/lib/chain/s" + std::to_string(i + 1) + "\n");
  write("usr/lib/chain/s10", "#!/bin/sh\nexec /usr/sbin/bottom\n");
  UnitFacts f = facts("ExecStart=/usr/lib/chain/s0\n");
  EXPECT_FALSE(derived(f, "bottom"));
  EXPECT_NE(unknown(f).find("more than 8 wrappers, scripts or sourced files"), std::string::npos)
      << unknown(f);
  WrapperLimits deep;
  deep.max_depth = 30;
  f = facts("ExecStart=/usr/lib/chain/s0\n", deep);
  EXPECT_TRUE(derived(f, "bottom"));
  EXPECT_EQ(unknown(f), "");
  // Scripts that run or source themselves end without a loop.
  write("usr/bin/again", "#!/bin/sh\n. /usr/bin/again\nexec \"$0\" \"$@\"\n/usr/sbin/tail_d\n");
  f = facts("ExecStart=/usr/bin/again x\n");
  EXPECT_TRUE(derived(f, "tail_d"));
  EXPECT_EQ(unknown(f), "");
  // Functions that call themselves.
  write("usr/bin/recurse", "#!/bin/sh\nf() { f; /usr/sbin/leaf; }\nf\n");
  EXPECT_TRUE(derived(facts("ExecStart=/usr/bin/recurse\n"), "leaf"));
  // At most max_commands commands are added.
  std::string many = "#!/bin/sh\n";
  for (int i = 0; i < 100; ++i) many += "/usr/bin/c" + std::to_string(i) + "\n";
  write("usr/bin/many", many);
  WrapperLimits few;
  few.max_commands = 5;
  f = facts("ExecStart=/usr/bin/many\n", few);
  size_t added = 0;
  for (const auto& c : f.commands) added += !c.via.empty();
  EXPECT_EQ(added, 5u);
}

TEST_F(ExecWrappersTest, SignalsMatchDerivedCommands) {
  UnitFacts f = facts("ExecStart=/usr/bin/env LANG=C /usr/sbin/nginx -g 'daemon off;'\n");
  Signals s = evaluate_signals(builtin_knowledge(), f);
  ASSERT_TRUE(s.count("switches_user"));
  EXPECT_EQ(s["switches_user"], "ExecStart= runs /usr/bin/env, which runs /usr/sbin/nginx");
  // Arguments too: the line of the derived command.
  f = facts("ExecStart=/bin/sh -c 'P=80; exec /usr/sbin/custom --port $P'\n");
  s = evaluate_signals(builtin_knowledge(), f);
  ASSERT_TRUE(s.count("privileged_port"));
  EXPECT_EQ(
      s["privileged_port"],
      "ExecStart= runs /bin/sh, which runs /usr/sbin/custom (\"/usr/sbin/custom --port 80\")");
}

TEST_F(ExecWrappersTest, UnknownProgramRaisesStandardToAggressive) {
  const Knowledge& k = builtin_knowledge();
  ASSERT_FALSE(k.risk_rules.empty());
  Signals unknown_program = {
      {"program_unknown", "ExecStart= runs /usr/bin/x, which cannot be read"}};
  size_t standard = 0;
  for (const auto& e : k.entries) {
    Risk plain = risk_for(e, {});
    Risk with = risk_for(e, unknown_program);
    if (plain == Risk::kStandard) {
      ++standard;
      EXPECT_EQ(with, Risk::kAggressive) << e.id;
    } else {
      EXPECT_EQ(with, plain) << e.id;
    }
  }
  EXPECT_GT(standard, 5u);
}

TEST_F(ExecWrappersTest, KnowledgeFileChecksLaunchersAndRules) {
  auto doc = nlohmann::json::parse(embedded_file("hardening.json.txt"));
  auto broken = [&](auto change) {
    nlohmann::json d = doc;
    change(d);
    Knowledge k;
    std::string error;
    EXPECT_FALSE(parse_knowledge(d.dump(), k, error));
    return error;
  };
  EXPECT_NE(
      broken([](auto& d) { d["launchers"]["commands"][0]["kind"] = "magic"; }).find("unknown kind"),
      std::string::npos);
  EXPECT_NE(broken([](auto& d) {
              d["launchers"]["commands"][0]["option_with_value"] = {"-x"};
            }).find("unknown key option_with_value"),
            std::string::npos);
  EXPECT_NE(broken([](auto& d) {
              d["launchers"]["targets"][0]["runs"] = nlohmann::json::array();
            }).find("without names or runs"),
            std::string::npos);
  EXPECT_NE(broken([](auto& d) {
              d["risk_rules"][0]["when"] = "program_unknwon";
            }).find("unknown fact or signal 'program_unknwon'"),
            std::string::npos);
  EXPECT_NE(broken([](auto& d) { d["risk_rules"][0]["to"] = "reckless"; }).find("bad risk"),
            std::string::npos);
  const Knowledge& k = builtin_knowledge();
  EXPECT_GT(k.launchers.commands.size(), 20u);
  EXPECT_GT(k.launchers.targets.size(), 5u);
  EXPECT_TRUE(std::find(known_fact_names().begin(), known_fact_names().end(), "program_unknown") !=
              known_fact_names().end());
}

// suggest, end to end: a unit that runs apachectl gets apache2's signals,
// with the script in its root and without it.
TEST_F(ExecWrappersTest, SuggestSeesThroughApachectl) {
  write("etc/systemd/system/apache2.service",
        "[Unit]\nDescription=The Apache HTTP Server\n[Service]\nType=forking\n"
        "Environment=APACHE_STARTED_BY_SYSTEMD=true\nExecStart=/usr/sbin/apachectl start\n"
        "ExecStop=/usr/sbin/apachectl graceful-stop\n",
        false);
  Environment env;
  env.cwd = dir_.string();
  env.vars = {{"LANG", "C.UTF-8"}};
  auto run = [&](const std::string& format) {
    SuggestOptions o;
    o.target.unit = "apache2.service";
    o.target.root = (dir_ / "root").string();
    o.format = format;
    std::ostringstream out, err;
    EXPECT_EQ(run_suggest(o, env, out, err), 0) << err.str();
    return out.str();
  };
  for (bool readable : {false, true}) {
    if (readable) {
      write("usr/sbin/apachectl", kApachectl);
      write("etc/apache2/envvars", "export APACHE_RUN_USER=www-data\n", false);
    }
    auto doc = nlohmann::json::parse(run("json"));
    const auto& signals = doc["signals"];
    EXPECT_TRUE(signals.contains("switches_user")) << readable;
    EXPECT_TRUE(signals.contains("privileged_port")) << readable;
    EXPECT_TRUE(signals.contains("network_server")) << readable;
    EXPECT_FALSE(signals.contains("program_unknown")) << readable;
    ASSERT_FALSE(doc["runs"].empty());
    EXPECT_EQ(doc["runs"][0]["binary"], "apache2");
    EXPECT_EQ(doc["runs"][0]["via"].get<std::string>().rfind(
                  "ExecStart= runs /usr/sbin/apachectl, which runs /usr/sbin/apache2", 0),
              0u);
    for (const auto& s : doc["suggestions"])
      if (s["id"] == "private-network") {
        EXPECT_FALSE(s["safe_for_unit"].get<bool>());
      }
    std::string text = run("text");
    EXPECT_NE(text.find("What it runs, through its wrappers:\n  ExecStart= runs "
                        "/usr/sbin/apachectl, which runs /usr/sbin/apache2"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("could not be determined"), std::string::npos);
  }
  // A script hardnut cannot follow: said, and standard changes become aggressive.
  write("usr/sbin/apachectl", "#!/bin/sh\nexec $(choose_server) \"$@\"\n");
  write("etc/systemd/system/apache2.service", "[Service]\nExecStart=/usr/sbin/webctl start\n",
        false);
  write("usr/sbin/webctl", "#!/bin/sh\nexec $(choose_server) \"$@\"\n");
  std::string text = run("text");
  EXPECT_NE(text.find("What this unit runs could not be determined: ExecStart= runs "
                      "/usr/sbin/webctl: /usr/sbin/webctl runs a command named at run time "
                      "($(choose_server)); changes that depend on it are treated as aggressive."),
            std::string::npos)
      << text;
  auto doc = nlohmann::json::parse(run("json"));
  EXPECT_TRUE(doc["signals"].contains("program_unknown"));
  for (const auto& s : doc["suggestions"]) EXPECT_NE(s["risk"], "standard") << s["id"];
}

}  // namespace
}  // namespace hardnut
