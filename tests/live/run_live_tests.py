#!/usr/bin/env python3
"""Live-mode test: hardnut against `systemd-analyze security` of a booted systemd
(systemd 252; --suite trixie: 257, --suite sid: 262).

Needs root and ../shared/tools/live-systemd, which boots a real systemd 252 as
PID 1 of its own namespaces inside a throw-away Debian 12 tree (never the
machine's own root). This driver:

1. runs `live-systemd setup` if the tree is missing (about a minute; needs the
   Debian archive);
2. with the system stopped, installs into the tree's /usr/local/lib/systemd/
   (a directory this test owns and rewrites on every run): the article's
   helloworld service, hardened variants with drop-ins, a failing unit, a
   oneshot, a template and instances, an alias and a mask, every service and
   template instance of ../shared/corpus whose name the tree does not ship, a
   few hundred random units of tests/differential/gen.py (with their
   drop-ins), and user units; a target orders itself after all of them, so
   that the manager keeps them loaded;
3. copies the hardnut binary into the tree (installing, with the tree's apt,
   any shared library it lacks) and boots the system; starts what can start
   there; daemon-reload; starts a user manager;
4. runs tests/live/inside.py in the system: every case once with
   systemd-analyze and once with hardnut (overview in every format; every
   listed service in detail, text and --json=short; names without suffix,
   templates, aliases, masks, missing units, several units, a refused unit,
   policies, thresholds, --user, -M/-H, no bus, the fallback note, a unit
   that vanishes between listing and reading, a non-root caller);
5. stops the system (always) and fails unless every case matched.

It never skips: without root, the harness or the tree it exits 1 and says why.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "differential"))
import gen  # noqa: E402
import tree_lock  # noqa: E402

ORACLES = os.environ.get("SYSTEMD_ORACLES_DIR", "/var/cache/systemd-oracles")
# The systems the test can boot (../shared/tools/README.md): the live-systemd
# tree, state directory and instance name of each, and its systemd.
SUITES = {
    "bookworm": ("bookworm-live", ".live-state", "live-systemd", 252),
    "trixie": ("trixie-live", ".trixie-live-state", "live-trixie", 257),
    "sid": ("sid-live", ".sid-live-state", "live-sid", 262),
}
TREE = None  # set by main() from --suite
UNIT_DIR = "usr/local/lib/systemd/system"
USER_UNIT_DIR = "usr/local/lib/systemd/user"
TEST_DIR = "usr/local/lib/hardnut-live-test"
TOOL_IN_TREE = "usr/local/bin/hardnut-under-test"

HELLOWORLD = "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\nExecStop=/bin/kill -9 $MAINPID\n"
# The article's hardening walk, as drop-ins of copies of helloworld.
HARDENING = [
    "NoNewPrivileges=yes",
    "PrivateTmp=yes\nProtectHome=read-only",
    "ProtectSystem=strict\nPrivateDevices=yes\nProtectKernelModules=yes\nProtectClock=yes",
    "DynamicUser=yes\nCapabilityBoundingSet=\nRestrictAddressFamilies=AF_INET AF_INET6",
    "User=nobody\nIPAddressDeny=any\nIPAddressAllow=127.0.0.1",
    "IPAddressDeny=any\nIPAddressAllow=localhost\nDevicePolicy=closed\nDeviceAllow=/dev/null rw",
    "SystemCallFilter=~@mount:EPERM @swap\nSystemCallArchitectures=native\nUMask=0077",
    "SystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM\nRestrictNamespaces=yes",
    "ProtectProc=noaccess\nProcSubset=pid\nKeyringMode=shared\nNotifyAccess=all",
    "RootImage=/nonexistent.raw\nDevicePolicy=strict",
    "IPAddressDeny=0.0.0.0/0\nIPAddressAllow=10.0.0.0/8 ::1",
    "RestrictAddressFamilies=~AF_PACKET AF_NETLINK\nDelegate=yes\nAmbientCapabilities=CAP_NET_RAW",
    # Spellings of 257 and 262 (252 warns and ignores them).
    "PrivateTmp=disconnected\nPrivateUsers=identity\nProtectControlGroups=private",
    "PrivateUsers=full\nProtectHostname=private:box\nProtectControlGroups=strict",
    "PrivateMounts=no\nProtectHostname=private\nPrivateTmp=no",
]


# The magazine article's walk through hardening helloworld, one drop-in
# more per step, and the exposure systemd 245 printed at each step. Online,
# the manager reports PrivateMounts= as implied by PrivateTmp= and friends.
WALKTHROUGH = [
    ("", "9.6"),
    ("NoNewPrivileges=yes", "9.4"),
    ("PrivateTmp=yes", "9.0"),
    ("RestrictNamespaces=uts ipc pid user cgroup", "8.8"),
    ("ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectControlGroups=yes", "8.1"),
    ("ProtectSystem=yes\nPrivateUsers=yes", "7.8"),
]


def log(msg):
    print("live: " + msg, flush=True)


def fail(msg):
    print("\n*** live test FAILED: %s ***\n" % msg, file=sys.stderr, flush=True)
    sys.exit(1)


def sh(argv, check=True, **kw):
    return subprocess.run(argv, check=check, **kw)


def write(rel, text, base=None):
    path = os.path.join(base or TREE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def tree_ships(name):
    return any(os.path.lexists(os.path.join(TREE, d, name))
               for d in ("etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system"))


def install_units(args):
    """Writes the units; returns (names the target orders after, starts, config)."""
    units_dir = os.path.join(TREE, UNIT_DIR)
    for d in (units_dir, os.path.join(TREE, USER_UNIT_DIR), os.path.join(TREE, TEST_DIR)):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    loaded, start = [], []

    def unit(name, text, keep=True):
        write(os.path.join(UNIT_DIR, name), text)
        if keep:
            loaded.append(name)

    unit("helloworld.service", HELLOWORLD)
    start.append("helloworld.service")
    for i, extra in enumerate(HARDENING):
        name = "hn-hard-%02d.service" % i
        unit(name, HELLOWORLD.replace("8080", str(8081 + i)))
        write(os.path.join(UNIT_DIR, name + ".d", "50-hardening.conf"), "[Service]\n" + extra + "\n")
        start.append(name)
    walk = []
    for i, (extra, published) in enumerate(WALKTHROUGH):
        name = "hn-walk-%d.service" % i
        unit(name, HELLOWORLD.replace("8080", str(8181 + i)))
        for j in range(1, i + 1):
            write(os.path.join(UNIT_DIR, name + ".d", "%02d-step.conf" % j),
                  "[Service]\n" + WALKTHROUGH[j][0] + "\n")
        walk.append([name, published])
    unit("hn-failed.service", "[Service]\nExecStart=/bin/false\n")
    start.append("hn-failed.service")
    unit("hn-oneshot.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n"
         "PrivateNetwork=yes\n")
    start.append("hn-oneshot.service")
    unit("hn-sleep.service", "[Service]\nExecStart=/bin/sleep infinity\nDynamicUser=yes\n")
    start.append("hn-sleep.service")
    unit("hn-tmpl@.service", "[Service]\nExecStart=/bin/sleep infinity\nUser=%i\n", keep=False)
    loaded += ["hn-tmpl@nobody.service", "hn-tmpl@root.service"]
    start.append("hn-tmpl@nobody.service")
    unit("hn-bad.service", "[Service]\nUser=-x\nExecStart=/bin/true\n")  # bad-setting
    os.symlink("helloworld.service", os.path.join(units_dir, "hn-alias.service"))
    os.symlink("/dev/null", os.path.join(units_dir, "hn-masked.service"))
    loaded.append("hn-masked.service")
    loaded.append("hn-referenced-but-missing.service")

    # The corpus: services and template instances whose names the tree
    # does not ship (those would replace the booted system's own units).
    corpus = os.path.join(args.corpus, "units")
    n_corpus = 0
    for pkg in sorted(os.listdir(corpus)):
        pdir = os.path.join(corpus, pkg)
        for name in sorted(os.listdir(pdir)):
            src = os.path.join(pdir, name)
            if name.endswith(".service") and os.path.isfile(src) and not tree_ships(name):
                if os.path.lexists(os.path.join(units_dir, name)):
                    continue
                shutil.copyfile(src, os.path.join(units_dir, name))
                loaded.append(name.replace("@.service", "@hn.service"))
                n_corpus += 1
            elif name.endswith(".service.d") and "@." not in name and os.path.isdir(src):
                dest = os.path.join(units_dir, name)
                shutil.copytree(src, dest, dirs_exist_ok=True)
                loaded.append(name[:-2])

    # Random units of the differential generator, renamed, with the
    # drop-ins of their own name (type-wide ones would touch every unit).
    n_gen = 0
    for i in range(args.generated * 3):
        if n_gen >= args.generated:
            break
        case = gen.generate_case("live", i)
        if case["kind"] not in ("service", "template", "instance") or not case["units"]:
            continue
        arg = case["units"][0]
        fname = next((f for f in case["files"] if f.endswith(".service") and "/" not in f), None)
        if not fname or not isinstance(case["files"][fname], str):
            continue
        new = ("hn-gen%d@.service" if "@" in fname else "hn-gen%d.service") % i
        unit(new, case["files"][fname], keep=False)
        if "@" in fname:
            inst = arg.split("@", 1)[1].rsplit(".", 1)[0] if "@" in arg else ""
            loaded.append(new.replace("@.", "@%s." % (inst if inst and "@" not in inst else "x")))
        else:
            loaded.append(new)
        for rel, text in case["files"].items():
            if rel.startswith(fname + ".d/") and isinstance(text, str):
                write(os.path.join(UNIT_DIR, new + ".d", rel.split("/", 1)[1]), text)
        n_gen += 1

    unit("hn-live.target", "[Unit]\nDescription=hardnut live test\n" +
         "".join("After=%s\n" % n for n in loaded), keep=False)
    log("installed %d corpus services, %d generated units, %d hand-written ones" %
        (n_corpus, n_gen, len(loaded) - n_corpus - n_gen))

    # User units for the user manager.
    write(os.path.join(USER_UNIT_DIR, "hn-user.service"),
          "[Service]\nExecStart=/bin/sleep infinity\nPrivateTmp=yes\nNoNewPrivileges=yes\n")
    write(os.path.join(USER_UNIT_DIR, "hn-user-plain.service"), HELLOWORLD.replace("8080", "8180"))

    write(os.path.join(TEST_DIR, "policy.json"),
          json.dumps({"UserOrDynamicUser": {"weight": 100, "description_bad": "runs as root!"},
                      "PrivateNetwork": {"range": 3}, "NoNewPrivileges": {"weight": 0}}))
    write(os.path.join(TEST_DIR, "bad-policy.json"), "{bad json\n")
    os.chmod(os.path.join(TREE, TEST_DIR, "policy.json"), 0o600)  # unreadable for nobody
    # Not loaded by anything: default mode scores it as a file.
    write(os.path.join(TEST_DIR, "hn-file.service"), "[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n")
    shutil.copyfile(os.path.join(SCRIPT_DIR, "inside.py"), os.path.join(TREE, TEST_DIR, "inside.py"))
    config = {
        "names": ["helloworld", "helloworld.service", "hn-alias", "hn-masked", "hn-bad",
                  "hn-oneshot", "hn-tmpl@", "hn-tmpl@.service", "hn-tmpl@nobody", "hn-failed",
                  "does-not-exist", "x.socket", "/etc/passwd", "a b", "foo/bar", ".service",
                  "dbus", "-.service", "@x.service", "hn-file.service", "/a/../b",
                  "dbus-org.freedesktop.login1"],
        "several": ["helloworld", "hn-failed", "does-not-exist", "hn-hard-03", "hn-oneshot"],
        "refused": ["helloworld", "dbus", "x.socket", "hn-failed"],
        "walkthrough": walk,
        "tool_args": ["--systemd-version=auto"],
        "jobs": 2,
        "user": False,
    }
    return start, config


def missing_libraries():
    out = sh(["chroot", TREE, "ldd", "/" + TOOL_IN_TREE], capture_output=True, text=True,
             check=False)
    return [line.split()[0] for line in out.stdout.splitlines() if "not found" in line]


def install_tool(args, live):
    """Copies hardnut into the tree; installs shared libraries it lacks there."""
    shutil.copyfile(args.tool, os.path.join(TREE, TOOL_IN_TREE))
    os.chmod(os.path.join(TREE, TOOL_IN_TREE), 0o755)
    missing = missing_libraries()
    if not missing:
        return
    # The tree is Debian 12 like the build machine: the host's package that
    # ships each library is installed into the tree with its own apt.
    packages = set()
    for lib in missing:
        p = sh(["dpkg", "-S", "*/" + lib], capture_output=True, text=True, check=False)
        if p.returncode != 0:
            fail("hardnut needs %s, which no Debian package of this machine ships" % lib)
        packages.add(p.stdout.split(":")[0])
    log("installing %s into the tree for %s" % (" ".join(sorted(packages)), " ".join(missing)))
    r = sh(["chroot", TREE, "apt-get", "install", "-y", "-qq"] + sorted(packages), check=False)
    if r.returncode != 0:
        fail("could not install %s into %s" % (" ".join(sorted(packages)), TREE))


def not_booted_cases():
    """The stopped tree, entered with chroot: no systemd as PID 1 at all."""
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "xterm"}

    def run(argv):
        # A /proc (sanitizer runtimes read it), mounted in a private mount
        # namespace that dies with the command. Not a PID namespace: as its
        # PID 1, systemd-analyze would switch on colours.
        p = subprocess.run(["unshare", "--mount", "--propagation", "private",
                            "--mount-proc=" + os.path.join(TREE, "proc"), "chroot", TREE] + argv,
                           env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, check=False)
        return [p.returncode, p.stdout, p.stderr]

    out = []
    for args in (["--offline=no"], ["--offline=no", "helloworld"], ["--user", "--offline=no"]):
        oracle = run(["systemd-analyze", "security"] + args)
        tool = run(["/" + TOOL_IN_TREE, "security", "--systemd-version=auto"] + args)
        why = "" if oracle == tool else "exit status or output differ"
        out.append({"case": "not booted " + " ".join(args), "args": args, "ok": not why,
                    "why": why, "oracle": oracle, "tool": tool})
    oracle = run(["systemd-analyze", "security"])
    tool = run(["/" + TOOL_IN_TREE, "security", "--systemd-version=auto"])
    first = tool[2].splitlines()[0] if tool[2] else ""
    why = ("" if oracle[0] == 1 and tool[0] in (0, 1) and tool[1].startswith("UNIT ") and
           first.startswith("hardnut: no systemd manager answers (System has not been booted")
           and first.endswith("scoring the unit files instead (offline mode)")
           else "no fallback note, or no offline overview")
    out.append({"case": "not booted, no mode given: offline overview with a note", "args": [],
                "ok": not why, "why": why, "oracle": oracle, "tool": tool})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tool", required=True, help="the hardnut binary")
    ap.add_argument("--live-systemd", default=os.path.join(REPO_ROOT, "..", "shared", "tools",
                                                           "live-systemd"))
    ap.add_argument("--corpus", default=os.path.join(REPO_ROOT, "..", "shared", "corpus"))
    ap.add_argument("--generated", type=int, default=200,
                    help="random units of the differential generator to install")
    ap.add_argument("--keep-running", action="store_true", help="do not stop the system at the end")
    ap.add_argument("--suite", choices=sorted(SUITES), default="bookworm",
                    help="the Debian tree to boot: bookworm (systemd 252, default), trixie "
                         "(257) or sid (262)")
    args = ap.parse_args()

    global TREE
    tree, state, name, version = SUITES[args.suite]
    TREE = os.path.join(ORACLES, tree)
    os.environ.update(LIVE_TREE=TREE, LIVE_STATE=os.path.join(ORACLES, state), LIVE_NAME=name,
                      LIVE_SUITE=args.suite)
    lock = tree_lock.hold(os.environ["LIVE_STATE"])  # noqa: F841 (held until exit)
    log("booting Debian %s (systemd %d) from %s" % (args.suite, version, TREE))

    if os.geteuid() != 0:
        fail("needs root: it boots systemd in namespaces with live-systemd (run as root, "
             "as .ci/run does)")
    live = os.path.abspath(args.live_systemd)
    if not os.access(live, os.X_OK):
        fail("the harness %s is missing" % live)
    if not os.access(args.tool, os.X_OK):
        fail("the tool %s is missing" % args.tool)
    if not os.path.isdir(os.path.join(args.corpus, "units")):
        fail("the corpus %s is missing" % args.corpus)
    if not os.path.isfile(os.path.join(TREE, "lib", "systemd", "systemd")):
        log("no tree at %s: running `live-systemd setup` (about a minute)" % TREE)
        if sh([live, "setup"], check=False).returncode != 0:
            fail("`live-systemd setup` failed (is the Debian archive reachable?)")

    started = time.time()
    sh([live, "stop"], check=False, stdout=subprocess.DEVNULL)
    try:
        install_tool(args, live)
        start, config = install_units(args)
        still = missing_libraries()
        if still:
            fail("hardnut cannot run in the tree, missing: " + " ".join(still))
        if sh([live, "start"], check=False).returncode != 0:
            fail("`live-systemd start` failed")
        ex = lambda *cmd, **kw: sh([live, "exec"] + list(cmd), **kw)  # noqa: E731
        ex("systemctl", "daemon-reload")
        ex("systemctl", "start", "hn-live.target")
        # Some of these fail on purpose (hn-failed) or in the container.
        ex("systemctl", "start", "--no-block", *start, check=False)
        ex("systemctl", "daemon-reload")
        # A user manager without PAM (the minbase tree has no pam_systemd).
        user = ex("sh", "-c", "mkdir -p -m 0700 /run/user/0 && systemd-run -q "
                  "--unit=hn-user-manager -p Type=notify -p Environment=XDG_RUNTIME_DIR=/run/user/0 "
                  "/lib/systemd/systemd --user && XDG_RUNTIME_DIR=/run/user/0 systemctl --user "
                  "start hn-user.service", check=False).returncode == 0
        if not user:
            fail("could not start a user manager in the live system")
        config["user"] = True
        time.sleep(1)  # let the starts settle (the comparison runs both tools at once anyway)
        write(os.path.join(TEST_DIR, "config.json"), json.dumps(config))

        p = ex("python3", "/" + TEST_DIR + "/inside.py", capture_output=True, text=True,
               check=False)
        if p.returncode != 0:
            fail("inside.py failed:\n" + p.stderr[-4000:])
        results = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    finally:
        if not args.keep_running:
            sh([live, "stop"], check=False, stdout=subprocess.DEVNULL)
    if not args.keep_running:
        results += not_booted_cases()

    failed = [r for r in results if not r["ok"]]
    detail = {}  # unit -> both formats identical
    for r in results:
        if r["case"].startswith("detail "):
            unit = r["args"][-1]
            detail[unit] = detail.get(unit, True) and r["ok"]
    for r in failed:
        print("FAIL %s (%s): %s" % (r["case"], " ".join(r["args"]), r["why"]))
        for label, i in (("exit status", 0), ("stdout", 1), ("stderr", 2)):
            if r["oracle"][i] != r["tool"][i]:
                print("  %s: systemd-analyze %r\n  %s: hardnut         %r" %
                      (label, str(r["oracle"][i])[:600], label, str(r["tool"][i])[:600]))
    overview = next(r for r in results if r["case"] == "overview --json=off")
    rows = len(overview["oracle"][1].splitlines()) - 1
    print("live (%s): %d cases, %d identical, %d different; %d services in detail (%d identical), "
          "overview of %d services; %.0f s" %
          (args.suite, len(results), len(results) - len(failed), len(failed), len(detail),
           sum(detail.values()), rows, time.time() - started))
    if not results:
        fail("no case ran")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
