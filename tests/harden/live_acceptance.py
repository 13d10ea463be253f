#!/usr/bin/python3
"""The real-daemon suite of `hardnut harden` (issue 13, item 6; ctest harden_live).

Boots a real systemd 252 with ../shared/tools/live-systemd in its own Debian 12
tree ($SYSTEMD_ORACLES_DIR/harden-live, never the machine's own root), with
fifteen real Debian daemons installed into it from Debian's archive (the .debs
are kept in $SYSTEMD_ORACLES_DIR/harden-live-debs, so no run downloads a
package twice; the tree persists between runs). Inside the booted system, for
every daemon and every level (safe, standard, aggressive):

  * the exposure before and after, measured by `systemd-analyze security`
    itself in the booted system;
  * `hardnut harden --apply --level=L --soak=S [--check=PROBE] UNIT`: safe and
    standard must pass whole (exit 0) with the functional probe as --check
    and without any --check (verification alone); aggressive (with the probe)
    must pass whole or end in a bisected drop-in (exit 3) that names what
    broke; hardnut's own `verify:` report must show every step passing;
  * then this test restarts the unit itself and runs the probe (tests/harden/
    probe.py: HTTP GET, redis PING/SET/GET, memcached set/get, `select 1`
    with psql and the mariadb client, an SSH key exchange, DNS queries, SMTP
    EHLO, a syslog line arriving, `chronyc tracking`, CUPS, a GET through
    squid), and reads the unit's journal for sandbox denials (status=31/SYS,
    "Operation not permitted", "Permission denied", "Read-only file system")
    that were not there before hardening.

Plus: helloworld at standard (2.0 or less); a service writing an undeclared
state directory, whose aggressive drop-in must be bisected down to a working
one that names ProtectSystem=strict; nginx at standard with a deliberately
breaking `--set PrivateNetwork=yes`, which bisection must find and name,
leaving nginx serving; `harden --verify` passing on a working drop-in and
failing on a broken one. Independent daemons are hardened concurrently
(--workers). A results JSON (--results) and a Markdown table (--table, the one
in docs/hardening.md) are written.

Needs root and the Debian archive of /etc/apt/sources.list* on the first run.
It FAILS, never skips, when it cannot run.
"""
import argparse
import concurrent.futures
import fcntl
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
import tree_lock  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LEVELS = ["safe", "standard", "aggressive"]
PROFILED = "standard+profile"  # standard from a `hardnut profile` observation

# Everything installed into the tree (no recommends). cups-daemon/cups-client
# are the scheduler and lpstat without the printer drivers of `cups`;
# dns-root-data (recommended by unbound) has the root trust anchor unbound's
# validator needs to start.
PACKAGES = ["nginx-light", "apache2", "redis-server", "memcached", "postgresql",
            "mariadb-server", "mariadb-client", "openssh-server", "openssh-client", "chrony",
            "unbound", "dns-root-data", "dnsmasq", "postfix", "rsyslog", "cups-daemon", "cups-client",
            "prometheus-node-exporter", "squid", "libstdc++6", "procps",
            # The overhead benchmark: strace -f (the peer's mechanism) and
            # the load generators (ab comes with apache2-utils).
            "strace", "apache2-utils", "redis-tools"]


class Daemon:
    def __init__(self, name, package, unit, probe, nocheck_levels=("safe", "standard")):
        self.name, self.package, self.unit, self.probe = name, package, unit, probe
        # Levels also run without --check (verification alone).
        self.nocheck_levels = nocheck_levels


PROBE = "hardnut-probe "
DAEMONS = [
    Daemon("nginx", "nginx-light", "nginx.service", PROBE + "http http://127.0.0.1:80/"),
    Daemon("apache2", "apache2", "apache2.service", PROBE + "http http://127.0.0.1:8081/"),
    Daemon("redis", "redis-server", "redis-server.service", PROBE + "redis 6379"),
    Daemon("memcached", "memcached", "memcached.service", PROBE + "memcached 11211"),
    # The cluster's own unit (postgresql.service is a oneshot /bin/true);
    # the version is filled in from the tree by configure_tree().
    Daemon("postgresql", "postgresql", "postgresql@%s-main.service", PROBE + "psql"),
    Daemon("mariadb", "mariadb-server", "mariadb.service", PROBE + "mariadb"),
    Daemon("openssh", "openssh-server", "ssh.service", PROBE + "ssh 22"),
    Daemon("chrony", "chrony", "chrony.service", PROBE + "chrony"),
    Daemon("unbound", "unbound", "unbound.service",
           PROBE + "dns 127.0.0.1 53 probe.hardnut.test 192.0.2.53"),
    Daemon("dnsmasq", "dnsmasq", "dnsmasq.service",
           PROBE + "dns 127.0.0.1 5354 probe.dnsmasq.test 192.0.2.54"),
    # postfix.service is a oneshot /bin/true; the instance runs the daemon
    # (through postmulti).
    Daemon("postfix", "postfix", "postfix@-.service", PROBE + "smtp 25"),
    # The case: aggressive without --check exited 0 with an active
    # rsyslog that no longer wrote /var/log/syslog.
    Daemon("rsyslog", "rsyslog", "rsyslog.service", PROBE + "syslog /var/log/syslog",
           nocheck_levels=("safe", "standard", "aggressive")),
    Daemon("cups", "cups-daemon", "cups.service", PROBE + "cups 631"),
    Daemon("node-exporter", "prometheus-node-exporter", "prometheus-node-exporter.service",
           PROBE + "http http://127.0.0.1:9100/metrics"),
    Daemon("squid", "squid", "squid.service", PROBE + "proxy 3128"),
]

HELLO_UNIT = "[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\nExecStop=/bin/kill -9 $MAINPID\n"
HELLO_CHECK = PROBE + "http http://127.0.0.1:8080/"
# Writes its state below /var/lib without StateDirectory=: nothing in the
# unit says so, so ProtectSystem=strict (aggressive) breaks it.
STATEFUL_APP = r'''import http.server, os
os.makedirs("/var/lib/stateful-app", exist_ok=True)
path = "/var/lib/stateful-app/starts"
n = int(open(path).read()) + 1 if os.path.exists(path) else 1
open(path, "w").write(str(n))
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"starts=%d\n" % n)
http.server.HTTPServer(("127.0.0.1", 8090), H).serve_forever()
'''
STATEFUL_UNIT = "[Service]\nExecStart=/usr/bin/python3 /usr/local/lib/stateful-app.py\n"
STATEFUL_CHECK = PROBE + "http http://127.0.0.1:8090/"

# Files this test writes into the tree to make the daemons run side by side in
# a container with only `lo` and without CAP_SYS_TIME (docs/hardening.md,
# "Real daemons"). Paths are inside the tree; written on every run.
TREE_FILES = {
    "/etc/hosts": "127.0.0.1\tlocalhost\n127.0.1.1\tlive-harden\n::1\tlocalhost ip6-localhost\n",
    # unbound keeps port 53 and answers a name of its own without recursion
    # (there is no network to recurse into).
    "/etc/unbound/unbound.conf.d/hardnut-live.conf":
        'server:\n    interface: 127.0.0.1\n    port: 53\n'
        '    local-zone: "hardnut.test." static\n'
        '    local-data: "probe.hardnut.test. IN A 192.0.2.53"\n',
    # dnsmasq moves to port 5354 (unbound has 53), answers its own name,
    # forwards nothing.
    "/etc/dnsmasq.d/hardnut-live.conf":
        "port=5354\nlisten-address=127.0.0.1\nbind-interfaces\nno-resolv\n"
        "address=/probe.dnsmasq.test/192.0.2.54\n",
    # chronyd cannot set the clock in the container (no CAP_SYS_TIME in the
    # bounding set): -x runs it without touching the clock; the unit's
    # ConditionCapability=CAP_SYS_TIME would skip it, so it is reset.
    "/etc/default/chrony": 'DAEMON_OPTS="-F 1 -x"\n',
    "/etc/systemd/system/chrony.service.d/10-hardnut-live.conf":
        "# harden_live: the container has no CAP_SYS_TIME; chronyd runs with -x\n"
        "[Unit]\nConditionCapability=\n",
    # squid announces a host name of its own, and stops in 1 s instead of
    # waiting 30 s for clients on every stop (each restart would take 30 s).
    "/etc/squid/conf.d/hardnut-live.conf":
        "visible_hostname live-harden\nshutdown_lifetime 1 seconds\n",
    "/usr/local/lib/stateful-app.py": STATEFUL_APP,
    "/etc/systemd/system/stateful-app.service": STATEFUL_UNIT,
    "/etc/systemd/system/helloworld.service": HELLO_UNIT,
}
# apache2 and nginx both want port 80: apache2 moves to 8081.
TREE_EDITS = [
    ("/etc/apache2/ports.conf", "Listen 80\n", "Listen 8081\n"),
    ("/etc/apache2/sites-enabled/000-default.conf", "<VirtualHost *:80>", "<VirtualHost *:8081>"),
]
DEBCONF = ("postfix postfix/main_mailer_type select Local only\n"
           "postfix postfix/mailname string live-harden.localdomain\n")

DENIAL = re.compile(r"status=31/SYS|Bad system call|SIGSYS|Operation not permitted|"
                    r"Permission denied|Read-only file system", re.I)
VERIFY = re.compile(r"^hardnut: verify: (ok|FAILED|skipped) ([A-Za-z-]+)(?::\s*(.*))?$")
BROKE = re.compile(r"^hardnut: broke it: (.+?): (.*)$")
SUMMARY = re.compile(r"^hardnut: \S+: exposure (\d+\.\d) \S+ -> (\d+\.\d) \S+ with (\d+) change")
REQUIRED_STEPS = ["restart", "second-restart", "soak", "journal"]

LOCK = threading.Lock()
T0 = time.time()


class Failure(Exception):
    pass


def log(msg):
    with LOCK:
        print("[%6.1fs] %s" % (time.time() - T0, msg), flush=True)


class Live:
    def __init__(self, tool, env):
        self.tool = tool
        self.env = env
        self.tree = env["LIVE_TREE"]

    def run(self, *args, check=True, timeout=600):
        r = subprocess.run([self.tool] + list(args), env=self.env, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise Failure("live-systemd %s failed (%d):\n%s%s" % (" ".join(args), r.returncode,
                                                                 r.stdout, r.stderr))
        return r

    def exec(self, *cmd, check=True, timeout=300):
        return self.run("exec", *cmd, check=check, timeout=timeout)

    def sh(self, command, timeout=120):
        return self.exec("/bin/sh", "-c", command, check=False, timeout=timeout)

    def path(self, p):
        return os.path.join(self.tree, p.lstrip("/"))

    def write(self, path, content, mode=0o644):
        full = self.path(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(content)
        os.chmod(full, mode)

    def read(self, path):
        try:
            with open(self.path(path)) as f:
                return f.read()
        except FileNotFoundError:
            return None

    def inside(self, verb, *args, timeout=600):
        """One step run by tests/harden/inside.py in the system: its JSON."""
        r = self.exec("hardnut-live-inside", verb, *args, check=False, timeout=timeout)
        try:
            return json.loads(r.stdout)
        except ValueError:
            raise Failure("hardnut-live-inside %s %s failed (%d):\n%s%s"
                          % (verb, " ".join(args), r.returncode, r.stdout[-2000:], r.stderr[-2000:]))


def normalise(line):
    """A journal line without what changes from run to run (PIDs, numbers)."""
    line = re.sub(r"0x[0-9a-f]+", "#", line, flags=re.I)
    return re.sub(r"\d+", "#", line).strip()


def denials(lines):
    return {normalise(l): l for l in lines if DENIAL.search(l)}


def chroot_env():
    return dict(os.environ, DEBIAN_FRONTEND="noninteractive", DEBCONF_NONINTERACTIVE_SEEN="true",
                LANG="C.UTF-8", LC_ALL="C.UTF-8")


def in_chroot(tree, debs, script, timeout=1800):
    """Runs `script` (sh) chrooted in the stopped tree, in a private mount
    namespace with /proc and the .deb cache mounted (nothing stays mounted)."""
    wrapper = ("set -e; mount --bind \"$2\" \"$1/var/cache/apt/archives\"; "
               "mount -t proc proc \"$1/proc\"; mount -t tmpfs tmpfs \"$1/dev/shm\"; "
               "exec chroot \"$1\" /bin/sh -ec \"$3\"")
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", wrapper,
                           "in-chroot", tree, debs, script], capture_output=True, text=True,
                          timeout=timeout, env=chroot_env())


def installed(tree, package):
    r = subprocess.run(["chroot", tree, "dpkg-query", "-W", "-f=${Status}", package],
                       capture_output=True, text=True)
    return r.stdout == "install ok installed"


def prepare_tree(live, debs):
    """Builds the tree if missing, installs the packages (from the cache when
    it has them), and writes the configuration the daemons need here."""
    tree = live.tree
    t0 = time.time()
    if not os.path.exists(os.path.join(tree, "lib/systemd/systemd")):
        log("building the live tree %s (live-systemd setup)" % tree)
        live.run("setup", timeout=1800)
    os.makedirs(os.path.join(debs, "partial"), exist_ok=True)
    missing = [p for p in PACKAGES if not installed(tree, p)]
    downloaded = []
    if missing:
        log("installing into the tree: " + " ".join(missing))
        before = set(os.listdir(debs))
        policy = os.path.join(tree, "usr/sbin/policy-rc.d")
        with open(policy, "w") as f:  # nothing starts in the chroot
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(policy, 0o755)
        try:
            # The package lists are fetched only when apt has none or the
            # cache lacks a package (apt-get fails with the lists it has).
            install = ("apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold "
                       + " ".join(missing))
            live.write("/root/hardnut-live.debconf", DEBCONF)
            script = ("debconf-set-selections /root/hardnut-live.debconf; "
                      "{ ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 && %s; } || "
                      "{ apt-get update -q && %s; }" % (install, install))
            r = in_chroot(tree, debs, script)
        finally:
            os.unlink(policy)
        if r.returncode != 0:
            raise Failure("installing %s into the tree failed:\n%s%s" % (" ".join(missing),
                                                                        r.stdout[-4000:], r.stderr[-3000:]))
        downloaded = sorted(set(os.listdir(debs)) - before - {"partial", "lock"})
        still = [p for p in PACKAGES if not installed(tree, p)]
        if still:
            raise Failure("not installed after apt-get: " + " ".join(still))
    configure_tree(live)
    return {"installed": missing, "downloaded_debs": len(downloaded),
            "cached_debs": len([f for f in os.listdir(debs) if f.endswith(".deb")]),
            "seconds": round(time.time() - t0, 1)}


def configure_tree(live):
    for path, content in TREE_FILES.items():
        live.write(path, content)
    for path, old, new in TREE_EDITS:
        text = live.read(path)
        if text is None:
            raise Failure("%s is missing in the tree" % path)
        if old in text:
            live.write(path, text.replace(old, new))
        elif new not in text:
            raise Failure("%s has neither %r nor %r" % (path, old, new))
    versions = sorted(os.listdir(live.path("/etc/postgresql")))
    if len(versions) != 1 or not os.path.isdir(live.path("/etc/postgresql/%s/main" % versions[0])):
        raise Failure("expected one PostgreSQL cluster in the tree, found %s" % versions)
    for d in DAEMONS:
        if "%s" in d.unit:
            d.unit = d.unit % versions[0]


def install_tools(live, hardnut):
    dest = live.path("/usr/local/bin/hardnut")
    shutil.copyfile(hardnut, dest)
    os.chmod(dest, 0o755)
    for script, name in [("probe.py", "hardnut-probe"), ("inside.py", "hardnut-live-inside")]:
        path = live.path("/usr/local/bin/" + name)
        shutil.copyfile(os.path.join(HERE, script), path)
        os.chmod(path, 0o755)
    r = subprocess.run(["chroot", live.tree, "ldd", "/usr/local/bin/hardnut"], capture_output=True,
                       text=True)
    if "not found" in r.stdout:
        raise Failure("hardnut lacks shared libraries in the tree:\n" + r.stdout)
    # Start from the packages' own units: no drop-in of an earlier run.
    sysd = live.path("/etc/systemd/system")
    for name in os.listdir(sysd):
        d = os.path.join(sysd, name)
        if name.endswith(".d") and os.path.isdir(d):
            for f in os.listdir(d):
                if f.startswith("50-hardnut.conf") or f.startswith("60-hardnut-test"):
                    os.unlink(os.path.join(d, f))
    shutil.rmtree(live.path("/var/lib/stateful-app"), ignore_errors=True)


class Suite:
    def __init__(self, live, args):
        self.live = live
        self.args = args
        self.failures = []
        self.cases = []
        self.baseline_denials = {}
        self.notes = []
        self.job_seconds = {}
        self.deadline = time.time() + args.budget

    def fail(self, msg):
        with LOCK:
            self.failures.append(msg)
        log("FAIL: " + msg.splitlines()[0])

    # -- service state (each call: one step inside the system) ------------
    def reset(self, unit, probe):
        """Back to the package's own unit (no hardnut drop-in), restarted and
        working: {ok, why, before, reload_defined, cursor}."""
        return self.live.inside("prepare", unit, probe, "%g" % self.args.probe_wait)

    def works(self, unit, probe):
        """Reloaded, restarted with what is installed, and working."""
        r = self.live.inside("restart", unit, probe, "%g" % self.args.probe_wait)
        return r["ok"], r["why"]

    # -- one hardnut run -------------------------------------------------
    def hardnut(self, *args):
        t = time.time()
        r = self.live.exec("hardnut", "harden", *args, check=False, timeout=1800)
        return r, round(time.time() - t, 1)

    @staticmethod
    def parse(stderr):
        steps, broke, summary = {}, [], None
        current = None  # the `broke it:` entry whose journal lines follow
        for line in stderr.splitlines():
            if not line.startswith("hardnut: ") and current is not None:
                current["log"].append(line)
                continue
            current = None
            m = VERIFY.match(line)
            if m:
                steps[m.group(2)] = (m.group(1), m.group(3) or "")  # the last report of each step
            m = BROKE.match(line)
            if m:
                current = {"directive": m.group(1), "evidence": m.group(2), "log": []}
                broke.append(current)
            m = SUMMARY.match(line)
            if m:
                summary = {"before": float(m.group(1)), "after": float(m.group(2)),
                           "changes": int(m.group(3))}
        return steps, broke, summary

    def harden_case(self, name, unit, probe, level, with_check, sets=(), expect=(0,),
                    must_name=(), evidence=None, profile=None):
        """Resets the unit, hardens it (from `profile` too when given), restarts
        it once more itself, probes it and reads its journal. Records the case;
        every expectation that does not hold is a failure."""
        label = "%s %s%s %s%s" % (name, level, "+profile" if profile else "",
                                  "--check" if with_check else "no check",
                                  "".join(" --set " + s for s in sets))
        case = {"daemon": name, "unit": unit, "level": PROFILED if profile else level,
                "check": with_check, "sets": list(sets)}
        with LOCK:
            self.cases.append(case)
        if self.out_of_time(case, label):
            return case
        pre = self.reset(unit, probe)
        if not pre["ok"]:
            case["error"] = "does not work before hardening: " + pre["why"]
            self.fail("%s: %s" % (label, case["error"]))
            return case
        if pre["before"] is None:
            raise Failure("systemd-analyze security gives no exposure for " + unit)
        case["before"] = pre["before"]
        reload_defined = pre["reload_defined"]
        args = ["--apply", "--level=" + level, "--soak=%g" % self.args.soak,
                "--max-tries=%d" % self.args.max_tries]
        if with_check:
            args.append("--check=" + probe)
        if profile:
            args.append("--profile=" + profile)
        for s in sets:
            args += ["--set", s]
        r, seconds = self.hardnut(*(args + [unit]))
        steps, broke, summary = self.parse(r.stderr)
        dropin_path = "/etc/systemd/system/%s.d/50-hardnut.conf" % unit
        dropin = self.live.read(dropin_path)
        # The test's own restart (a further one after hardnut's second), the
        # probe, and the unit's journal since the change and since that restart.
        fin = self.live.inside("finish", unit, probe, "%g" % self.args.probe_wait, pre["cursor"] or "")
        case.update({"rc": r.returncode, "seconds": seconds, "steps": steps, "broke": broke,
                     "hardnut_summary": summary, "after": fin["after"],
                     "dropin_lines": [l for l in (dropin or "").splitlines()
                                      if l and not l.startswith(("#", "["))]})
        probe_ok, probe_why, stable = fin["probe"], fin["probe_detail"], fin["stable"]
        base = self.baseline_denials.get(unit, {})
        # After a bisection the failed tries' denials are expected: only what
        # the final drop-in does counts.
        window = fin["since_change"] if r.returncode == 0 else fin["since_restart"]
        new = {k: v for k, v in denials(window).items() if k not in base}
        case.update({"restart_rc": fin["restart_rc"], "probe": probe_ok, "probe_detail": probe_why,
                     "stable": stable, "new_denials": sorted(new.values())[:20]})
        if case["after"] is None:
            raise Failure("systemd-analyze security gives no exposure for %s after hardening" % unit)
        log("%-48s rc %d %5.1fs  %.1f -> %.1f  probe %s%s%s" % (
            label, r.returncode, seconds, case["before"], case["after"],
            "ok" if probe_ok else "FAILED", "".join("  broke: " + b["directive"] for b in broke),
            "  NEW DENIALS %d" % len(new) if new else ""))

        problems = []
        if r.returncode not in expect:
            problems.append("exit %d, expected %s" % (r.returncode, " or ".join(map(str, expect))))
        if r.returncode in (0, 3):
            for step in REQUIRED_STEPS:
                if steps.get(step, ("missing",))[0] != "ok":
                    problems.append("verify step %s: %s" % (step, steps.get(step, ("not reported",))))
            if with_check and steps.get("check", ("missing",))[0] != "ok":
                problems.append("verify step check: %s" % (steps.get("check", ("not reported",)),))
            want_reload = "ok" if reload_defined else "skipped"
            reload_step = steps.get("reload", ("missing", ""))
            # A reload that stops the unit before any change too (the node
            # exporter dies of its own ExecReload= SIGHUP) is skipped, saying so.
            own_reload_bug = (reload_step[0] == "skipped"
                              and "broke it before any change too" in str(reload_step[1]))
            if reload_defined and reload_step[0] != want_reload and not own_reload_bug:
                problems.append("verify step reload (the unit has ExecReload=): %s"
                                % (steps.get("reload", ("not reported",)),))
            if not reload_defined and steps.get("reload", ("skipped",))[0] == "FAILED":
                problems.append("verify step reload FAILED on a unit without ExecReload=")
            if dropin is None or "# hardnut-managed: yes" not in dropin:
                problems.append("no hardnut drop-in at %s" % dropin_path)
            if case["after"] > case["before"]:
                problems.append("exposure went up: %.1f -> %.1f" % (case["before"], case["after"]))
            if not probe_ok:
                problems.append("the probe fails after the test's own restart: " + probe_why)
            if not stable:
                problems.append("not stable after the probe (NRestarts %s -> %s, state %s)"
                                % (fin["restarts"][0], fin["restarts"][1], fin["state"]))
            if new:
                problems.append("new sandbox denials in the journal:\n  " +
                                "\n  ".join(sorted(new.values())[:10]))
        if r.returncode == 0 and broke:
            problems.append("exit 0 but bisection named %s" % [b["directive"] for b in broke])
        if r.returncode == 3:
            if not broke:
                problems.append("exit 3 without a `broke it:` line")
            for b in broke:
                if b["directive"] in case["dropin_lines"]:
                    problems.append("%s was named as breaking but is still in the drop-in"
                                    % b["directive"])
        named = [b["directive"] for b in broke]
        for want in must_name:  # a directive, or a tuple of alternatives
            want = (want,) if isinstance(want, str) else want
            hit = [b for b in broke if b["directive"] in want]
            if not hit:
                problems.append("bisection did not name %s (named: %s)" % (" or ".join(want), named))
            elif evidence and not any(evidence in b["evidence"] + "\n".join(b["log"]) for b in hit):
                problems.append("%s named without the evidence %r: %s"
                                % (hit[0]["directive"], evidence, [b["evidence"] for b in hit]))
        if r.returncode == 1:
            # Failed: the previous state (no drop-in) must be back and working.
            if dropin is not None:
                problems.append("exit 1 but a drop-in is left at %s" % dropin_path)
            if not probe_ok:
                problems.append("exit 1 and the service does not work afterwards: " + probe_why)
        case["problems"] = problems
        if problems:
            self.fail("%s: %s\n--- hardnut stderr (last 60 lines):\n%s" % (
                label, "; ".join(problems), "\n".join(r.stderr.splitlines()[-60:])))
        return case

    def out_of_time(self, case, label):
        """Past --budget no case starts: each one left is a failure."""
        if time.time() < self.deadline:
            return False
        case["error"] = "not run: the time budget (--budget=%g s) ran out" % self.args.budget
        self.fail("%s: %s" % (label, case["error"]))
        return True

    def verify_case(self, name, unit, probe, expect_rc, what, must_fail_step=None):
        case = {"daemon": name, "unit": unit, "verify": what}
        with LOCK:
            self.cases.append(case)
        if self.out_of_time(case, name + " verify"):
            return case
        r, seconds = self.hardnut("--verify", "--check=" + probe, "--soak=%g" % self.args.soak, unit)
        steps, _, _ = self.parse(r.stderr)
        case.update({"rc": r.returncode, "seconds": seconds, "steps": steps})
        log("%-48s rc %d %5.1fs  (harden --verify, %s)" % (name + " verify", r.returncode, seconds,
                                                         what))
        problems = []
        if r.returncode != expect_rc:
            problems.append("harden --verify exited %d, expected %d" % (r.returncode, expect_rc))
        if expect_rc == 0:
            for step in REQUIRED_STEPS + ["check"]:
                if steps.get(step, ("missing",))[0] != "ok":
                    problems.append("verify step %s: %s" % (step, steps.get(step, ("not reported",))))
        if must_fail_step and steps.get(must_fail_step, ("missing",))[0] != "FAILED":
            problems.append("step %s not reported FAILED: %s" % (must_fail_step,
                                                                steps.get(must_fail_step)))
        case["problems"] = problems
        if problems:
            self.fail("%s verify (%s): %s\n%s" % (name, what, "; ".join(problems),
                                                  "\n".join(r.stderr.splitlines()[-40:])))
        return case

    def baseline_job(self, d):
        """The daemon works before hardening, and its probe fails when it is
        stopped (with the sockets and paths that would start it again), so a
        passing probe means the daemon answered. What its journal already
        says about denials (the container's own limits) is the baseline the
        hardened runs are compared with."""
        pre = self.reset(d.unit, d.probe)
        if not pre["ok"]:
            self.fail("%s does not work before hardening: %s" % (d.unit, pre["why"]))
            return
        st = self.live.inside("selftest", d.unit, d.probe, "%g" % self.args.probe_wait)
        if st["probe_when_stopped"] == 0:
            self.fail("%s: the probe `%s` passes with the unit stopped" % (d.unit, d.probe))
        if not st["ok_again"]:
            self.fail("%s does not work again after its probe self-test: %s" % (d.unit, st["why"]))
        if st["survives_reload"] is False:
            with LOCK:
                self.notes.append("%s: `systemctl reload` stops it without any hardening (the "
                                  "package's own ExecReload=)" % d.unit)
        self.baseline_denials[d.unit] = denials(self.live.inside("journal", d.unit))
        log("%-48s works; probe fails when stopped (%s)" % (d.name + " baseline",
                                                             st["stopped_detail"][-80:]))

    # -- jobs (each owns its unit; jobs run concurrently) ------------------
    def daemon_job(self, d):
        done = {}
        for level in LEVELS:
            if level in d.nocheck_levels:
                self.harden_case(d.name, d.unit, d.probe, level, False,
                                 expect=(0,) if level != "aggressive" else (0, 3))
            done[level] = self.harden_case(d.name, d.unit, d.probe, level, True,
                                           expect=(0,) if level != "aggressive" else (0, 3))
            if level == "standard" and d.name == "nginx":
                # harden --verify on the standard drop-in just applied (it
                # runs the same verification as --apply, so once is enough).
                self.verify_case(d.name, d.unit, d.probe, 0, "standard drop-in")
        self.note_worse(done["standard"], done["aggressive"])
        self.profile_case(d, done["standard"])
        if d.name == "nginx":
            self.breaking_case(d)

    def profile_case(self, d, static):
        """Observe the daemon with `hardnut profile` while its probe runs (the
        unit restarted with the recorder attached), then harden it at standard
        from that profile: it must pass as every other case, and its exposure
        is compared with the static standard level's."""
        case = {"daemon": d.name, "unit": d.unit, "level": "profile-run", "check": True, "sets": []}
        pre = self.reset(d.unit, d.probe)
        if not pre["ok"]:
            self.fail("%s does not work before profiling: %s" % (d.unit, pre["why"]))
            return
        path = "/root/hardnut-profiles/%s.json" % d.name
        os.makedirs(self.live.path(os.path.dirname(path)), exist_ok=True)
        t = time.time()
        with recorder_lock(exclusive=False):
            r = self.live.exec("hardnut", "profile", "--duration=2",
                               # Until the daemon answers (it may still be starting), then once more.
                               "--workload=for i in $(seq 30); do %s && break; sleep 1; done; %s"
                               % (d.probe, d.probe), "--output=" + path, d.unit,
                               check=False, timeout=600)
        seconds = round(time.time() - t, 1)
        text = self.live.read(path)
        if r.returncode != 0 or text is None:
            self.fail("%s: hardnut profile exited %d:\n%s" % (d.name, r.returncode, r.stderr[-3000:]))
            return
        p = json.loads(text)
        obs = p["observed"]
        log("%-48s %5.1fs  %d tasks, %d calls, %d distinct, %d written paths" % (
            d.name + " profile", seconds, obs["processes"], obs["events"],
            len(p["service"]["syscalls"]), len(p["service"]["files"]["written"])))
        if not obs["covers_startup"] or not p["service"]["syscalls"] or not p["service"]["executables"]:
            self.fail("%s: the profile misses the start-up or the service: %s" % (d.name, obs))
        c = self.harden_case(d.name, d.unit, d.probe, "standard", True, expect=(0, 3), profile=path)
        c["profile_seconds"] = seconds
        c["profile_observed"] = obs
        if c.get("after") is not None and static.get("after") is not None:
            c["static_standard"] = static["after"]
            c["lower_by"] = round(static["after"] - c["after"], 1)

    def breaking_case(self, d):
        """A change the user forces that breaks a network server: bisection must
        find and name it, keep the rest, and leave nginx serving; then
        harden --verify must fail on a drop-in with that change."""
        self.harden_case(d.name, d.unit, d.probe, "standard", True, sets=("PrivateNetwork=yes",),
                         expect=(3,), must_name=("PrivateNetwork=yes",))
        broken = "/etc/systemd/system/%s.d/60-hardnut-test-broken.conf" % d.unit
        self.live.write(broken, "[Service]\nPrivateNetwork=yes\n")
        self.live.exec("systemctl", "daemon-reload")
        try:
            self.verify_case(d.name, d.unit, d.probe, 1, "with PrivateNetwork=yes added",
                             must_fail_step="check")
        finally:
            os.unlink(self.live.path(broken))
        ok, why = self.works(d.unit, d.probe)
        if not ok:
            self.fail("nginx does not work after the broken drop-in was removed: " + why)

    def helloworld_job(self):
        c = self.harden_case("helloworld", "helloworld.service", HELLO_CHECK, "standard", True)
        if c.get("after") is not None and c["after"] > 2.0:
            self.fail("helloworld at standard: exposure %.1f, must be 2.0 or less" % c["after"])

    def stateful_job(self):
        unit = "stateful-app.service"
        std = self.harden_case("stateful-app", unit, STATEFUL_CHECK, "standard", True)
        # What breaks it is a read-only /var/lib: ProtectSystem=strict, or
        # DynamicUser=yes, which implies it.
        agg = self.harden_case("stateful-app", unit, STATEFUL_CHECK, "aggressive", True,
                               expect=(3,), must_name=(("ProtectSystem=strict", "DynamicUser=yes"),),
                               evidence="Read-only file system")
        self.note_worse(std, agg)
        self.denial_control(unit)

    def denial_control(self, unit):
        """The journal check of this test can fail: with /var/lib/stateful-app
        read-only the app dies with "Read-only file system", and denials()
        must see that as new."""
        path = "/etc/systemd/system/%s.d/60-hardnut-test-readonly.conf" % unit
        self.live.write(path, "[Service]\nReadOnlyPaths=/var/lib/stateful-app\n")
        try:
            self.live.exec("systemctl", "daemon-reload")
            fin = self.live.inside("finish", unit, STATEFUL_CHECK, "3", "")
        finally:
            os.unlink(self.live.path(path))
        new = {k for k in denials(fin["since_restart"]) if k not in self.baseline_denials.get(unit, {})}
        log("%-48s probe %s, new denials %d" % ("stateful-app denial control", fin["probe"], len(new)))
        if fin["probe"] or not new:
            self.fail("stateful-app with a read-only state directory: probe %s, new denials %s "
                      "(the journal check must see it)" % (fin["probe"], sorted(new)))
        ok, why = self.works(unit, STATEFUL_CHECK)
        if not ok:
            self.fail("stateful-app does not work again after the denial control: " + why)

    def note_worse(self, std, agg):
        """Not a failure, but worth saying: bisection kept a drop-in with a
        higher exposure than the standard level's."""
        if (agg.get("rc") == 3 and std.get("after") is not None and agg.get("after") is not None
                and agg["after"] > std["after"]):
            with LOCK:
                self.notes.append("%s: the aggressive drop-in bisection kept (%.1f) is worse than "
                                  "the standard one (%.1f)" % (agg["daemon"], agg["after"], std["after"]))

    def run_jobs(self, jobs):
        pool = concurrent.futures.ThreadPoolExecutor(self.args.workers)
        try:
            futures = {pool.submit(self.timed, label, fn, *a): label for label, fn, a in jobs}
            for f in concurrent.futures.as_completed(futures):
                try:
                    f.result()
                except Exception:  # a crashed job is a failure, not a skip
                    self.fail("job %s crashed:\n%s" % (futures[f], traceback.format_exc()))
        except BaseException:
            # Ctrl-C: do not wait for the running jobs; main() stops the
            # system, which ends them.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()

    def timed(self, label, fn, *args):
        t = time.time()
        try:
            fn(*args)
        finally:
            with LOCK:
                self.job_seconds[label] = round(time.time() - t, 1)


# Throughput of a real daemon under no observation, under `hardnut profile`
# (attached to the running unit) and under `strace -f` attached to the same
# processes, interleaved and repeated, in the same run.
BENCH_LOADS = {
    "nginx": ("nginx.service", "ab -q -k -n 20000 -c 8 http://127.0.0.1:80/ 2>&1",
              r"Requests per second:\s+([\d.]+)"),
    "redis": ("redis-server.service", "redis-benchmark -q -n 40000 -c 8 -t set,get 2>&1",
              r"(?:SET|GET): ([\d.]+) requests per second"),
}
BENCH_MODES = ["none", "profile", "strace"]


# Recorder programs are counted (here and by the ctest observe_recorder,
# src/observe/CMakeLists.txt) under this lock held exclusively; every
# `hardnut profile` of this suite holds it shared, so that no count sees
# another run's programs.
PROGRAMS_LOCK = "/run/lock/hardnut-recorder-programs.lock"


class recorder_lock:
    def __init__(self, exclusive):
        self.mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH

    def __enter__(self):
        os.makedirs(os.path.dirname(PROGRAMS_LOCK), exist_ok=True)
        self.file = open(PROGRAMS_LOCK, "w")
        fcntl.flock(self.file, self.mode)
        return self

    def __exit__(self, *exc):
        self.file.close()


def loaded_recorder_programs(settle=5.0):
    """The recorder's BPF programs (names hn_*) loaded in the kernel: the
    host's view, which a process in any namespace cannot hide from. The
    kernel frees a program shortly after its last file descriptor closes:
    they may take up to `settle` seconds to go."""
    deadline = time.time() + settle
    while True:
        r = subprocess.run(["bpftool", "prog", "show"], capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure("bpftool prog show failed: " + r.stderr)
        names = re.findall(r"name (hn_\w+)", r.stdout)
        if not names or time.time() > deadline:
            return names
        time.sleep(0.2)


def interrupt_checks(suite):
    """`hardnut profile` stopped by SIGINT and by SIGTERM mid-observation:
    exit 130, no profile written, no program left in the kernel, the unit
    still running. Run alone: no other recorder may be loaded meanwhile."""
    with recorder_lock(exclusive=True):
        left = loaded_recorder_programs(settle=30)
        if left:
            suite.fail("recorder programs are loaded before the interrupted runs: %s" % left)
            return
        interrupted_runs(suite)


def interrupted_runs(suite):
    unit = "nginx.service"
    out = "/root/hardnut-profiles/interrupted.json"
    os.makedirs(suite.live.path(os.path.dirname(out)), exist_ok=True)
    for sig in ("INT", "TERM"):
        if os.path.exists(suite.live.path(out)):
            os.unlink(suite.live.path(out))
        r = suite.live.sh("timeout --preserve-status -s %s 6 hardnut profile --duration=60 "
                          "--output=%s %s; echo rc=$?" % (sig, out, unit), timeout=120)
        rc = re.search(r"rc=(\d+)", r.stdout)
        left = loaded_recorder_programs()
        state = suite.live.exec("systemctl", "is-active", unit, check=False).stdout.strip()
        log("%-48s rc %s, programs left %d, %s %s" % ("profile interrupted by SIG" + sig,
                                                      rc.group(1) if rc else "?", len(left), unit, state))
        if not rc or rc.group(1) != "130":
            suite.fail("profile interrupted by SIG%s: exit %s, expected 130:\n%s%s"
                       % (sig, rc.group(1) if rc else "?", r.stdout[-1000:], r.stderr[-1000:]))
        if left:
            suite.fail("profile interrupted by SIG%s left programs loaded: %s" % (sig, left))
        if os.path.exists(suite.live.path(out)):
            suite.fail("profile interrupted by SIG%s wrote %s" % (sig, out))
        if state != "active":
            suite.fail("profile interrupted by SIG%s left %s %s" % (sig, unit, state))


def overhead_bench(suite, rounds=3):
    with recorder_lock(exclusive=False):
        return overhead_runs(suite, rounds)


def overhead_runs(suite, rounds):
    results = {}
    for name, (unit, load, pattern) in BENCH_LOADS.items():
        pre = suite.reset(unit, "true")
        if not pre["ok"]:
            suite.fail("bench: %s does not start: %s" % (unit, pre["why"]))
            continue
        rates = {m: [] for m in BENCH_MODES}
        for _ in range(rounds):
            for mode in BENCH_MODES:
                rate = bench_once(suite, unit, load, pattern, mode)
                if rate is None:
                    return results
                rates[mode].append(rate)
        med = {m: statistics.median(v) for m, v in rates.items()}
        results[name] = {"unit": unit, "requests_per_second": rates, "median": med,
                         "profile_ratio": round(med["profile"] / med["none"], 3),
                         "strace_ratio": round(med["strace"] / med["none"], 3)}
        log("%-48s none %.0f/s, profile %.0f/s (%.2fx), strace -f %.0f/s (%.2fx)" % (
            name + " overhead", med["none"], med["profile"], results[name]["profile_ratio"],
            med["strace"], results[name]["strace_ratio"]))
        r = results[name]
        # The machine is shared with the rest of the CI run (fuzzers,
        # sanitizer builds), which moves the absolute ratios a lot (0.60x to
        # 1.17x for nginx seen): what must hold in any weather is that the
        # recorder is far cheaper than the peer's mechanism. The target
        # (0.95x) is reported, measured quietly in docs/hardening.md.
        if r["profile_ratio"] < 2 * r["strace_ratio"]:
            suite.fail("bench %s: hardnut profile (%.2fx) is not at least twice as fast as "
                       "strace -f (%.2fx)" % (name, r["profile_ratio"], r["strace_ratio"]))
        if r["profile_ratio"] < 0.95:
            with LOCK:
                suite.notes.append("bench %s: hardnut profile kept %.2fx of the throughput (target "
                                   "0.95x; the machine was shared)" % (name, r["profile_ratio"]))
    return results


def bench_once(suite, unit, load, pattern, mode):
    live = suite.live
    cg = "/sys/fs/cgroup/system.slice/%s/cgroup.procs" % unit
    if mode == "profile":
        r = live.exec("hardnut", "profile", "start", "--no-restart", "--output=/root/bench.json",
                      unit, check=False)
        if r.returncode != 0:
            suite.fail("bench: hardnut profile start %s failed: %s" % (unit, r.stderr[-1500:]))
            return None
    elif mode == "strace":
        live.sh("pids=$(sed 's/^/-p /' %s); setsid strace -f -qq -o /dev/null $pids "
                ">/dev/null 2>&1 & echo $! > /run/bench-strace.pid; sleep 1" % cg)
    try:
        out = live.sh(load, timeout=300).stdout
    finally:
        if mode == "profile":
            live.exec("hardnut", "profile", "stop", unit, check=False)
        elif mode == "strace":
            live.sh("kill $(cat /run/bench-strace.pid); sleep 0.5")
    found = [float(x) for x in re.findall(pattern, out)]
    if not found:
        suite.fail("bench: no rate in the output of `%s` (%s):\n%s" % (load, mode, out[-1500:]))
        return None
    return statistics.mean(found)


def median(values):
    return round(statistics.median(values), 1) if values else None


def summarise(suite, daemons):
    """Rows of the daemon x level table and the medians."""
    rows, medians = [], {}
    for level in LEVELS + [PROFILED]:
        befores, afters = [], []
        for d in daemons:
            cs = [c for c in suite.cases if c.get("unit") == d.unit and c.get("level") == level
                  and not c.get("sets") and "verify" not in c]
            main = next((c for c in cs if c["check"]), None)
            nocheck = next((c for c in cs if not c["check"]), None)
            if main and "before" in main and "after" in main:
                befores.append(main["before"])
                afters.append(main["after"])
            rows.append((d, level, main, nocheck))
        medians[level] = {"before": median(befores), "after": median(afters), "daemons": len(afters)}
    return rows, medians


def verdict(c):
    if c is None:
        return "—"
    if "rc" not in c:
        return "not run: " + c.get("error", "not finished")
    word = {0: "pass", 3: "reduced", 1: "FAILED", 130: "interrupted"}.get(c["rc"], "exit %d" % c["rc"])
    return word + ("" if not c.get("problems") else " ✗")


def markdown(suite, daemons, medians, meta):
    out = ["| daemon (unit) | level | before | after | verification: --check / none | "
           "probe after 2nd restart | removed by bisection |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    rows, _ = summarise(suite, daemons)
    order = {d.unit: i for i, d in enumerate(daemons)}
    levels = LEVELS + [PROFILED]
    for d, level, main, nocheck in sorted(rows, key=lambda r: (order[r[0].unit], levels.index(r[1]))):
        c = main or {}
        probes = [("ok" if x.get("probe") else "FAILED") for x in (main, nocheck) if x and "rc" in x]
        removed = ", ".join("`%s`" % b["directive"] for b in c.get("broke", [])) or "—"
        out.append("| %s (`%s`) | %s | %s | %s | %s / %s | %s | %s |" % (
            d.name, d.unit, level, fmt(c.get("before")), fmt(c.get("after")), verdict(main),
            verdict(nocheck), " / ".join(probes) or "—", removed))
    out.append("")
    out.append("| level | median before | median after | daemons |")
    out.append("| --- | --- | --- | --- |")
    for level in LEVELS + [PROFILED]:
        m = medians[level]
        out.append("| %s | %s | %s | %d |" % (level, fmt(m["before"]), fmt(m["after"]), m["daemons"]))
    out.append("")
    out.append("Other cases:")
    out.append("")
    for c in suite.cases:
        if c.get("sets") or c.get("daemon") in ("helloworld", "stateful-app") or "verify" in c:
            what = ("harden --verify (%s)" % c["verify"] if "verify" in c else
                    "%s%s" % (c.get("level"), "".join(" --set " + s for s in c.get("sets", []))))
            extra = ""
            if "before" in c:
                extra = ", %s -> %s, probe %s" % (fmt(c["before"]), fmt(c.get("after")),
                                                  "ok" if c.get("probe") else "FAILED")
            removed = ", ".join("`%s`" % b["directive"] for b in c.get("broke", []))
            out.append("- %s, %s: exit %s%s%s%s" % (
                c["daemon"], what, c.get("rc"), extra,
                "; bisection removed " + removed if removed else "",
                " ✗ " + "; ".join(p.splitlines()[0] for p in c["problems"]) if c.get("problems") else ""))
    lowered = [c for c in suite.cases if "lower_by" in c]
    if lowered:
        out.append("- %s vs static standard: %s; median %s lower, %d of %d at least 1.0 lower" % (
            PROFILED, ", ".join("%s %s" % (c["daemon"], fmt(c["lower_by"])) for c in lowered),
            fmt(median([c["lower_by"] for c in lowered])),
            len([c for c in lowered if c["lower_by"] >= 1.0]), len(lowered)))
    for name, b in getattr(suite, "bench", {}).items():
        out.append("- overhead, %s (requests/s, medians of %d): none %.0f, hardnut profile %.0f "
                   "(%.2fx), strace -f %.0f (%.2fx)" % (
                       name, len(b["requests_per_second"]["none"]), b["median"]["none"],
                       b["median"]["profile"], b["profile_ratio"], b["median"]["strace"],
                       b["strace_ratio"]))
    for n in suite.notes:
        out.append("- note: " + n)
    out.append("")
    out.append("Run: %s" % ", ".join("%s %s" % (k, v) for k, v in meta.items()))
    return "\n".join(out) + "\n"


def fmt(x):
    return "—" if x is None else "%.1f" % x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True, help="the hardnut binary to test")
    ap.add_argument("--live-systemd", default=os.path.join(HERE, "../../../shared/tools/live-systemd"))
    ap.add_argument("--results", help="write every case here (JSON)")
    ap.add_argument("--table", help="write the Markdown table here")
    ap.add_argument("--workers", type=int, default=int(os.environ.get("HARDEN_LIVE_WORKERS", "8")))
    ap.add_argument("--soak", type=float, default=3)
    ap.add_argument("--max-tries", type=int, default=10)
    ap.add_argument("--probe-wait", type=float, default=30,
                    help="seconds the probe may take to pass after the test's own restart")
    ap.add_argument("--budget", type=float, default=float(os.environ.get("HARDEN_LIVE_BUDGET", "900")),
                    help="seconds after the boot after which no case starts (each one left fails)")
    ap.add_argument("--only", help="comma-separated daemon names (development; the ctest runs all)")
    ap.add_argument("--prepare-only", action="store_true", help="build and fill the tree, then stop")
    ap.add_argument("--extras", action="store_true",
                    help="with --only: also the interrupted profiles and the overhead benchmark")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise Failure("needs root (it boots systemd in namespaces); run it as root, e.g. in .ci/run")
    if not os.access(a.live_systemd, os.X_OK):
        raise Failure("live-systemd not found at %s" % a.live_systemd)
    if not os.access(a.tool, os.X_OK):
        raise Failure("hardnut not found at %s" % a.tool)
    d = os.environ.get("SYSTEMD_ORACLES_DIR", "/var/cache/systemd-oracles")
    env = dict(os.environ, SYSTEMD_ORACLES_DIR=d,
               LIVE_TREE=os.environ.get("HARDEN_LIVE_TREE", d + "/harden-live"),
               LIVE_STATE=os.environ.get("HARDEN_LIVE_STATE", d + "/.harden-live-state"),
               LIVE_NAME=os.environ.get("HARDEN_LIVE_NAME", "live-harden"),
               LIVE_TIMEOUT=os.environ.get("LIVE_TIMEOUT", "120"))
    debs = os.environ.get("HARDEN_LIVE_DEBS", d + "/harden-live-debs")
    lock = tree_lock.hold(env["LIVE_STATE"])  # noqa: F841 (held until exit)
    live = Live(os.path.abspath(a.live_systemd), env)
    daemons = DAEMONS
    if a.only:
        names = a.only.split(",")
        unknown = set(names) - {x.name for x in DAEMONS} - {"helloworld", "stateful-app"}
        if unknown:
            raise Failure("unknown daemons: %s" % unknown)
        daemons = [x for x in DAEMONS if x.name in names]

    # A system left running by an interrupted run is stopped first.
    live.run("stop", check=False)
    prep = prepare_tree(live, debs)
    log("tree ready: %s" % prep)
    if a.prepare_only:
        return
    install_tools(live, a.tool)
    suite = Suite(live, a)
    t_start = time.time()
    live.run("start")
    boot_s = round(time.time() - t_start, 1)
    meta = {}
    try:
        v = live.exec("hardnut", "--version").stdout.strip()
        systemd_v = live.exec("systemctl", "--version").stdout.splitlines()[0]
        log("booted %s in %.1f s; %s" % (systemd_v, boot_s, v))
        live.exec("systemctl", "daemon-reload")
        suite.run_jobs([(x.name + " baseline", suite.baseline_job, (x,)) for x in daemons])
        log("baseline done; baseline denials: %s" % {u: len(b) for u, b in suite.baseline_denials.items() if b})
        # Slow ones first (databases, bisection candidates), then the rest.
        slow = ["mariadb", "postgresql", "squid", "nginx", "rsyslog", "apache2", "postfix"]
        ordered = sorted(daemons, key=lambda x: slow.index(x.name) if x.name in slow else len(slow))
        jobs = [(x.name, suite.daemon_job, (x,)) for x in ordered]
        if not a.only or "stateful-app" in a.only.split(","):
            jobs.insert(2, ("stateful-app", suite.stateful_job, ()))
        if not a.only or "helloworld" in a.only.split(","):
            jobs.append(("helloworld", suite.helloworld_job, ()))
        suite.run_jobs(jobs)
        # Alone on the machine, after the concurrent jobs.
        if not a.only or a.extras:
            interrupt_checks(suite)
            suite.bench = overhead_bench(suite)

        standard = [c for c in suite.cases if c.get("level") == "standard" and c.get("check")
                    and not c.get("sets") and c["unit"] in {x.unit for x in daemons}]
        lowered = [c for c in standard if c.get("after") is not None and c["after"] < c["before"]]
        need = min(8, len(daemons))
        if len(lowered) < need:
            suite.fail("only %d daemons got a lower exposure at standard (need %d)"
                       % (len(lowered), need))
    finally:
        live.run("stop", check=False)
        total = round(time.time() - T0, 1)
        _, medians = summarise(suite, daemons)
        meta = {"seconds": total, "hardening_seconds": round(time.time() - t_start, 1),
                "workers": a.workers, "soak": a.soak, "max_tries": a.max_tries,
                "install_seconds": prep["seconds"], "downloaded_debs": prep["downloaded_debs"]}
        if a.results:
            with open(a.results, "w") as f:
                json.dump({"meta": meta, "prepare": prep, "medians": medians,
                           "overhead": getattr(suite, "bench", {}),
                           "job_seconds": suite.job_seconds, "cases": suite.cases, "notes": suite.notes,
                           "failures": suite.failures}, f, indent=2)
        if a.table:
            with open(a.table, "w") as f:
                f.write(markdown(suite, daemons, medians, meta))
        log("medians: %s" % medians)
        for n in suite.notes:
            log("note: " + n)
        log("total %.1f s" % total)
    if suite.failures:
        raise Failure("%d failures:\n\n%s" % (len(suite.failures), "\n\n".join(suite.failures)))
    log("harden_live: all passed")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print("FAIL: " + str(e), file=sys.stderr)
        sys.exit(1)
