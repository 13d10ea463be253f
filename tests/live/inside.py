#!/usr/bin/env python3
"""Runs inside the booted live-systemd tree (run_live_tests.py copies it there).

Runs every case once with `systemd-analyze security` and once with hardnut,
in the same system at the same moment, and prints one JSON object per case:
{"case", "ok", "why", "oracle": [rc, stdout, stderr], "tool": [...]}.
Python standard library only (the tree is a Debian minbase + python3).
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import threading

TOOL = "/usr/local/bin/hardnut-under-test"
DIR = os.path.dirname(os.path.abspath(__file__))
BASE_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "xterm",
            "HOME": "/root"}
USER_ENV = {"XDG_RUNTIME_DIR": "/run/user/0"}
TOOL_ARGS = []  # hardnut's own first arguments (config "tool_args")


def run(argv, env, prefix=()):
    p = subprocess.run(list(prefix) + argv, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return [p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")]


def services(user=False):
    """Every .service the manager lists (loaded, not-found, failed, ...)."""
    argv = ["systemctl"] + (["--user"] if user else []) + [
        "list-units", "--all", "--type=service", "--plain", "--no-legend", "--full", "--no-pager"]
    env = dict(BASE_ENV, **(USER_ENV if user else {}))
    out = subprocess.run(argv, env=env, stdout=subprocess.PIPE, check=True).stdout.decode()
    return sorted({line.split()[0] for line in out.splitlines() if line.strip()})


def compare(name, args, env=None, prefix=(), tool_env=None, expect=None, oracle_args=None):
    """Both tools, same arguments (unless `oracle_args`); `expect` overrides
    the plain equality check of exit status, stdout and stderr."""
    env = dict(BASE_ENV, **(env or {}))
    oracle = run(["systemd-analyze", "security"] + (args if oracle_args is None else oracle_args),
                 env, prefix)
    tool = run([TOOL, "security"] + TOOL_ARGS + args, dict(env, **(tool_env or {})), prefix)
    if expect:
        why = expect(oracle, tool)
    else:
        diffs = [what for what, i in (("exit status", 0), ("stdout", 1), ("stderr", 2))
                 if oracle[i] != tool[i]]
        why = ", ".join(diffs) + " differ" if diffs else ""
    return {"case": name, "args": args, "ok": not why, "why": why, "oracle": oracle, "tool": tool}


def cases(config):
    """(name, kwargs of compare) for every check, in a stable order."""
    out = []
    add = lambda name, args, **kw: out.append((name, dict(args=args, **kw)))  # noqa: E731

    # The overview, as systemd-analyze prints it, in every format and with
    # every way of fetching (the knobs of the benchmark).
    for j in ("off", "short", "pretty"):
        add("overview --json=" + j, ["--json=" + j])
    add("overview, no mode given (default: live)", [], tool_env={})
    for fetch in ("each", "service", "all"):
        for window in ("1", "7", "512"):
            add("overview fetch=%s window=%s" % (fetch, window), ["--offline=no"],
                tool_env={"HARDNUT_LIVE_FETCH": fetch, "HARDNUT_LIVE_WINDOW": window})
    add("overview --threshold=50", ["--threshold=50"])
    add("overview --threshold=100", ["--threshold=100"])
    add("overview ASCII (LANG=C, TERM=dumb)", [], env={"LANG": "C", "TERM": "dumb"})
    # Not compared: SYSTEMD_COLORS=1. systemd's colour tables (escape
    # sequences per cell, hyperlinks to man pages and unit files) are not
    # reproduced yet, offline or live.
    nobody = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    add("overview as nobody (through dbus-daemon)", [], prefix=nobody)
    add("details as nobody", ["helloworld", "hn-hard-04"], prefix=nobody)
    add("as nobody: policy file not readable", ["--security-policy=" + DIR + "/policy.json",
                                                "helloworld"], prefix=nobody)
    add("as nobody: --user without a user bus", ["--user", "--offline=no"], prefix=nobody)

    # Every listed service in detail, text and JSON.
    for unit in services():
        add("detail " + unit, [unit])
        add("detail --json=short " + unit, ["--json=short", unit])

    # Names as users type them, and the errors.
    # --offline=no: exactly systemd-analyze, also for arguments that look
    # like files (which hardnut's default mode scores as files).
    for arg in config["names"]:
        add("name " + arg, ["--offline=no", "--", arg])
    add("default mode: a path is scored as a file", [DIR + "/hn-file.service"],
        oracle_args=["--offline=yes", DIR + "/hn-file.service"])
    add("several units (details, then overview)", config["several"])
    add("several units --json=short", ["--json=short"] + config["several"])
    add("a refused unit ends the run", config["refused"])
    add("SYSTEMD_ANALYZE_DEBUG=1 --json=pretty", ["--json=pretty", "helloworld"],
        env={"SYSTEMD_ANALYZE_DEBUG": "1"})
    add("policy file", ["--security-policy=" + DIR + "/policy.json", "helloworld", "hn-failed"])
    add("policy file, overview", ["--security-policy=" + DIR + "/policy.json"])
    add("policy file that does not parse", ["--security-policy=" + DIR + "/bad-policy.json",
                                            "helloworld"])
    add("policy file missing", ["--security-policy=/nonexistent.json", "helloworld"])
    add("--threshold=93 on one unit", ["--threshold=93", "helloworld"])
    add("--root= with --offline=no (ignored)", ["--offline=no", "--root=/", "helloworld"])
    add("-M of a machine that does not exist", ["-M", "nosuch", "helloworld"])
    add("--user -M", ["--user", "-M", "nosuch"])

    def both_fail(oracle, tool):
        # ssh is missing: the connection breaks either when sd-bus writes
        # its greeting or at the first call, whichever comes first.
        if oracle[0] != 1 or tool[0] != 1 or not tool[2] or tool[1] != oracle[1]:
            return "exit status or output differ"
        return ""
    add("-H (no ssh in the tree)", ["-H", "nosuchhost", "helloworld"], expect=both_fail)

    # A unit that vanishes between listing and reading: hardnut is told it
    # was listed; the manager, asked for it, has nothing but a not-found
    # stub, which the overview skips like systemd-analyze's would.
    add("overview with a unit that vanished after listing", [],
        tool_env={"HARDNUT_LIVE_EXTRA_LISTED": "hn-vanished.service,hn-gone@x.service"})

    # No bus: both sockets hidden in a private mount namespace.
    hide = ("unshare", "--mount", "--propagation", "private", "sh", "-c",
            "mount --bind /dev/null /run/systemd/private && "
            "mount --bind /dev/null /run/dbus/system_bus_socket && exec \"$@\"", "sh")
    add("no bus, --offline=no", ["--offline=no"], prefix=hide)
    add("no bus, one unit, --offline=no", ["--offline=no", "helloworld"], prefix=hide)

    def fallback(oracle, tool):
        if oracle[0] == 0:
            return "systemd-analyze unexpectedly reached a manager"
        if not tool[2].startswith("hardnut: no systemd manager answers ("):
            return "no fallback note on stderr"
        if "offline mode" not in tool[2].splitlines()[0]:
            return "the note does not say which mode ran"
        if not tool[1].startswith("UNIT "):
            return "no offline overview on stdout"
        return ""
    add("no bus, no mode given: offline overview with a note", [], prefix=hide, expect=fallback)

    # The magazine's walk, scored with systemd 245's checks against this
    # system: the exposures the article printed, step by step.
    for unit, published in config["walkthrough"]:
        def walk_step(oracle, tool, unit=unit, published=published):
            line = "Overall exposure level for %s: %s " % (unit, published)
            if tool[0] != 0 or line not in tool[1]:
                return "expected %r" % line
            return ""
        add("walkthrough as systemd 245 scored it: " + unit,
            ["--systemd-version=245", unit], expect=walk_step)

    if config["user"]:
        add("--user overview", ["--user"], env=USER_ENV)
        add("--user overview --json=short", ["--user", "--json=short"], env=USER_ENV)
        for unit in services(user=True):
            add("--user detail " + unit, ["--user", unit], env=USER_ENV)
    return out


def vanishing_units(runs=15):
    """Units that really come and go: short-lived transient services are
    started (and garbage-collected) without pause while hardnut lists and
    reads. Some vanish between its listing and its reading; each run must
    still print an overview, say nothing on stderr and exit 0."""
    stop = threading.Event()

    def churn():
        i = 0
        while not stop.is_set():
            i += 1
            subprocess.run(["systemd-run", "-q", "--unit=hn-flash-%d" % i, "/bin/true"],
                           env=BASE_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    threads = [threading.Thread(target=churn) for _ in range(2)]
    for t in threads:
        t.start()
    bad = None
    try:
        for _ in range(runs):
            tool = run([TOOL, "security", "--offline=no"], dict(BASE_ENV))
            if tool[0] != 0 or tool[2] or not tool[1].startswith("UNIT "):
                bad = tool
                break
    finally:
        stop.set()
        for t in threads:
            t.join()
    return {"case": "units vanishing while the overview runs (%d runs)" % runs, "args": [],
            "ok": bad is None, "why": "" if bad is None else "a run failed",
            "oracle": [0, "", ""], "tool": bad or [0, "", ""]}


def main():
    config = json.load(open(os.path.join(DIR, "config.json")))
    TOOL_ARGS[:] = config.get("tool_args", [])
    todo = cases(config)
    jobs = int(config.get("jobs", 2))
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(compare, name, **kw) for name, kw in todo]
        for f in futures:
            print(json.dumps(f.result()), flush=True)
    print(json.dumps(vanishing_units()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
