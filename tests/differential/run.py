#!/usr/bin/env python3
"""Differential test: random unit files, tool under test vs. the real systemd-analyze.

Generates cases with gen.py (deterministic for a given --seed), materialises each in
its own directory under a temporary folder, and runs in that directory

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=xterm HOME=/root \\
        SYSTEMD_UNIT_PATH= \\
        <cmd> security --offline=yes --no-pager [case args] UNIT...

once with the oracle and once with the tool under test (stdin /dev/null, pipes).

The oracle is the local systemd-analyze (252) or ``--oracle "../shared/tools/oracle 257"``
(the real systemd-analyze of another version in a throw-away tree; that script adds
``security --offline=yes`` itself).  ``--tool-arg`` passes extra arguments to the tool
only, e.g. ``--tool-arg=--systemd-version=257``.
Exit code, stdout and stderr must be byte-identical (paths in stderr are compared
as they are: both run in the same directory).

SYSTEMD_UNIT_PATH is set to the empty string by default: the unit search path is
then only the directories of the given unit files, so units and drop-ins installed
on the host (/etc/systemd/system, /usr/lib/systemd/system/<x>.d, ...) can never leak
into a case.  The corpus README documents that this gives the same output as an
unset SYSTEMD_UNIT_PATH for self-contained units.  --unit-path=unset runs without the
variable instead (the host's standard search path then applies to both sides).

Failing cases are copied to --failures-dir (files, args, both outputs, repro.sh).
The last line printed is ``N passed, M failed``; exit 1 on failures, 2 on setup
errors (e.g. the oracle command is not installed).  Python 3 standard library only.
"""

import argparse
import collections
import concurrent.futures
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
sys.path.insert(0, SCRIPT_DIR)
import gen  # noqa: E402

DEFAULT_TOOL = os.path.join(REPO_ROOT, "build", "dev", "hardnut")
BASE_ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "TERM": "xterm",
    "HOME": "/root",
}
BASE_ARGS = ["security", "--offline=yes", "--no-pager"]


def die(msg, code=2):
    sys.stderr.write("\n*** run.py: ERROR: %s ***\n\n" % msg)
    sys.exit(code)


def resolve_cmd(spec, what):
    argv = shlex.split(spec)
    if not argv:
        die("--%s is empty" % what)
    exe = argv[0]
    if "/" in exe:
        candidates = [exe] if os.path.isabs(exe) else [os.path.abspath(exe), os.path.join(REPO_ROOT, exe)]
        for c in candidates:
            if os.path.isfile(c) and os.access(c, os.X_OK):
                argv[0] = os.path.abspath(c)
                return argv
        die("%s command not found or not executable: %s (tried: %s)" % (what, exe, ", ".join(candidates)))
    found = shutil.which(exe)
    if not found:
        die("%s command not found in PATH: %s -- refusing to run without it" % (what, exe))
    argv[0] = found
    return argv


def run_cmd(argv, cwd, env, timeout):
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or b"", (e.stderr or b"") + b"\n[run.py: TIMEOUT]\n"
    except OSError as e:
        return "exec-error", b"", ("[run.py: cannot execute: %s]\n" % e).encode()


def is_oracle_script(oracle):
    """../shared/tools/oracle VERSION: it runs `systemd-analyze security --offline=yes` itself."""
    return os.path.basename(oracle[0]) == "oracle"


def oracle_prefix(oracle):
    return oracle + BASE_ARGS[2:] if is_oracle_script(oracle) else oracle + BASE_ARGS


UNIT_TYPES = ("service", "socket", "target", "timer", "mount", "automount", "swap", "path",
              "slice", "scope", "device")


def is_unit_dir(name):
    """foo.service.d, foo-.service.d, service.d, bar.target.wants, ... (as the oracle script)."""
    base, dot, ext = name.rpartition(".")
    if not dot or ext not in ("d", "wants", "requires", "upholds"):
        return False
    return base in UNIT_TYPES or base.rpartition(".")[2] in UNIT_TYPES


def flatten_like_oracle(d, args):
    """The oracle script copies the unit directories (foo.service.d/, foo.service.wants/, ...)
    beside each unit file with `cp -rL`: the systemd it runs sees the targets of symlinks
    inside them as plain files, and dangling ones not at all. The same is done to the case
    before either tool runs, so that both are given the same files."""
    dirs = {os.path.dirname(os.path.join(d, a)) for a in args
            if not a.startswith("-") and os.path.lexists(os.path.join(d, a))}
    for top in sorted(dirs):
        for name in sorted(os.listdir(top)):
            unit_dir = os.path.join(top, name)
            if os.path.islink(unit_dir) or not os.path.isdir(unit_dir) or not is_unit_dir(name):
                continue
            for root, subdirs, files in os.walk(unit_dir):
                for n in subdirs + files:
                    p = os.path.join(root, n)
                    if not os.path.islink(p):
                        continue
                    target = os.path.realpath(p)
                    if os.path.exists(target) and not (os.path.isdir(target) or
                                                       os.path.isfile(target)):
                        continue  # /dev/null: cp copies the device, which reads as empty
                    os.unlink(p)
                    if os.path.isdir(target):
                        shutil.copytree(target, p, symlinks=False)
                    elif os.path.isfile(target):
                        shutil.copy2(target, p)


def run_case(case, workdir, tool, oracle, env, timeout, tool_args=()):
    d = os.path.join(workdir, "case-%05d" % case["index"])
    gen.write_case(case, d)
    if is_oracle_script(oracle):
        flatten_like_oracle(d, case["units"])
    argv_tail = case["args"] + case["units"]
    o = run_cmd(oracle_prefix(oracle) + argv_tail, d, env, timeout)
    t = run_cmd(tool + BASE_ARGS + list(tool_args) + argv_tail, d, env, timeout)
    diffs = [f for f, a, b in zip(("rc", "stdout", "stderr"), o, t) if a != b]
    return {"case": case, "dir": d, "oracle": o, "tool": t, "diffs": diffs}


def short_diff(name, a, b, max_lines=30):
    if name == "rc":
        return "    rc: oracle %r, tool %r\n" % (a, b)
    al = a.decode("utf-8", "backslashreplace").splitlines(keepends=True)
    bl = b.decode("utf-8", "backslashreplace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(al, bl, "oracle/" + name, "tool/" + name, n=1))
    if not lines:
        lines = ["--- oracle/%s\n" % name, "+++ tool/%s\n" % name, "-%r\n" % a[-80:], "+%r\n" % b[-80:]]
    out = ["    " + (ln if ln.endswith("\n") else ln + "\n") for ln in lines[:max_lines]]
    if len(lines) > max_lines:
        out.append("    ... (%d more diff lines)\n" % (len(lines) - max_lines))
    return "".join(out)


def save_failure(res, fdir, tool, oracle, env, tool_args=()):
    case = res["case"]
    dest = os.path.join(fdir, "seed-%s-case-%05d" % (case["seed"], case["index"]))
    if os.path.exists(dest):
        shutil.rmtree(dest)
    gen.write_case(case, os.path.join(dest, "unit"))
    for who in ("oracle", "tool"):
        rc, out, err = res[who]
        with open(os.path.join(dest, who + ".rc"), "w") as f:
            f.write("%s\n" % rc)
        with open(os.path.join(dest, who + ".stdout"), "wb") as f:
            f.write(out)
        with open(os.path.join(dest, who + ".stderr"), "wb") as f:
            f.write(err)
    envs = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in env.items())
    tail = case["args"] + case["units"]
    oargs = " ".join(shlex.quote(a) for a in oracle_prefix(oracle)[len(oracle):] + tail)
    targs = " ".join(shlex.quote(a) for a in BASE_ARGS + list(tool_args) + tail)
    with open(os.path.join(dest, "repro.sh"), "w") as f:
        f.write("#!/bin/sh\n# differing: %s\n# NB: stderr paths contain the original case dir %s\n"
                "cd \"$(dirname \"$0\")/unit\" || exit 1\n"
                "TOOL=${TOOL:-%s}\nORACLE=${ORACLE:-%s}\n"
                "echo '== oracle'; env -i %s $ORACLE %s; echo \"rc=$?\"\n"
                "echo '== tool';   env -i %s $TOOL %s; echo \"rc=$?\"\n"
                % (",".join(res["diffs"]), res["dir"], shlex.quote(" ".join(tool)),
                   shlex.quote(" ".join(oracle)), envs, oargs, envs, targs))
    os.chmod(os.path.join(dest, "repro.sh"), 0o755)
    return dest


def stderr_kind(line):
    """Normalise a stderr line into a message category for the summary."""
    line = re.sub(r"^/\S+?:\d+: ", "FILE:LINE: ", line)
    line = re.sub(r"^[^ :]+\.(service|socket): ", "UNIT: ", line)
    line = re.sub(r"(Unit) \S+ ", r"\1 X ", line)
    line = re.sub(r"(ignoring|Ignoring)(:| assignment:) .*", r"\1\2 …", line)
    line = re.sub(r"(Unknown key name|Unknown section|Invalid section header) '.*'", r"\1 '…'", line)
    line = re.sub(r"'[^']*'", "'…'", line)
    return line[:140]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", default=DEFAULT_TOOL, help="command prefix of the tool under test (default: %(default)s)")
    ap.add_argument("--oracle", default="systemd-analyze", help="oracle command prefix (default: %(default)s)")
    ap.add_argument("--cases", type=int, default=2000, help="number of cases (default 2000)")
    ap.add_argument("--first", type=int, default=0, help="index of the first case (default 0)")
    ap.add_argument("--seed", default="1", help="generator seed (default 1)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default nproc)")
    ap.add_argument("--show", type=int, default=3, help="failing cases to print diffs for (default 3)")
    ap.add_argument("--failures-dir", default="/tmp/hardnut-diff-failures",
                    help="where failing cases are saved (default %(default)s)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary case folder")
    ap.add_argument("--unit-path", choices=["empty", "unset"], default="empty",
                    help="SYSTEMD_UNIT_PATH handling (default: empty = only the cases' own dirs)")
    ap.add_argument("--stats", action="store_true", help="print generator coverage (cases per directive)")
    ap.add_argument("--summary", action="store_true",
                    help="print what the oracle did: exit codes, verdicts, stderr message kinds")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per invocation (default 60)")
    ap.add_argument("--tool-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for the tool only, placed after 'security --offline=yes "
                         "--no-pager' (repeatable), e.g. --tool-arg=--systemd-version=257")
    ap.add_argument("--lenient-stderr", action="store_true",
                    help="a case whose rc and stdout match but stderr differs is reported "
                         "and saved, but does not count as failed")
    args = ap.parse_args()

    oracle = resolve_cmd(args.oracle, "oracle")
    tool = resolve_cmd(args.tool, "tool")
    env = dict(BASE_ENV)
    if args.unit_path == "empty":
        env["SYSTEMD_UNIT_PATH"] = ""

    if is_oracle_script(oracle):
        # The trees must exist: a missing tree is a setup failure, never a pass.
        if len(oracle) < 2:
            die("--oracle %s needs a version (e.g. '%s 257')" % (oracle[0], oracle[0]))
        try:
            listing = subprocess.run([oracle[0], "--list"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, timeout=60).stdout.decode("utf-8", "replace")
        except (OSError, subprocess.TimeoutExpired) as e:
            die("cannot run %s --list: %s" % (oracle[0], e))
        rows = [ln.split("\t") for ln in listing.splitlines() if ln.strip()]
        match = [r for r in rows if r and oracle[1] in r[:2]]
        if not match:
            die("the oracle tree for systemd %s is missing (%s --list:\n%s)\n"
                "  build it with: %s --setup   (root, network)" % (oracle[1], oracle[0], listing.rstrip(), oracle[0]))
        ver = "systemd " + match[0][-1]
    else:
        try:
            ver = subprocess.run(oracle + ["--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 timeout=30).stdout.decode("utf-8", "replace").splitlines()
            ver = ver[0] if ver else "?"
        except (OSError, subprocess.TimeoutExpired) as e:
            die("cannot run oracle %s: %s" % (oracle[0], e))
    print("oracle: %s   (%s)" % (" ".join(oracle), ver))
    print("tool:   %s" % " ".join(tool + args.tool_arg))
    print("cases:  %d from index %d, seed %s, %d jobs" % (args.cases, args.first, args.seed, args.jobs))
    sys.stdout.flush()

    cases = [gen.generate_case(args.seed, i) for i in range(args.first, args.first + args.cases)]
    if args.stats:
        gen.print_stats(cases)
        print()

    t0 = time.time()
    workdir = tempfile.mkdtemp(prefix="hardnut-diff-")
    results = [None] * len(cases)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            futs = {ex.submit(run_case, c, workdir, tool, oracle, env, args.timeout, args.tool_arg): i
                    for i, c in enumerate(cases)}
            for f in concurrent.futures.as_completed(futs):
                results[futs[f]] = f.result()
        differing = [r for r in results if r["diffs"]]
        if args.lenient_stderr:
            failed = [r for r in differing if r["diffs"] != ["stderr"]]
        else:
            failed = differing
        stderr_only = [r for r in differing if r["diffs"] == ["stderr"]]
        # failing cases of an earlier run would be confusing: remove them (only ours)
        if os.path.isdir(args.failures_dir):
            for n in os.listdir(args.failures_dir):
                if re.match(r"^seed-.*-case-\d+$", n):
                    shutil.rmtree(os.path.join(args.failures_dir, n), ignore_errors=True)
        if differing:
            os.makedirs(args.failures_dir, exist_ok=True)
            for r in differing:
                save_failure(r, args.failures_dir, tool, oracle, env, args.tool_arg)
    finally:
        if args.keep:
            print("kept cases in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.time() - t0

    if args.summary:
        rcs = collections.Counter(str(r["oracle"][0]) for r in results)
        verdicts = collections.Counter()
        kinds = collections.Counter()
        for r in results:
            out = r["oracle"][1].decode("utf-8", "replace")
            for m in re.finditer(r"Overall exposure level for .*: ([0-9.]+) (\w+)", out):
                verdicts[m.group(2)] += 1
            for line in r["oracle"][2].decode("utf-8", "replace").splitlines():
                kinds[stderr_kind(line)] += 1
        print("== oracle summary ==")
        print("exit codes: %s" % dict(sorted(rcs.items())))
        print("verdicts:   %s" % dict(verdicts.most_common()))
        checks = collections.defaultdict(collections.Counter)
        for r in results:
            for line in r["oracle"][1].decode("utf-8", "replace").splitlines():
                if len(line) > 2 and line[0] in "✓✗ " and line[1] == " " and not line.startswith("  NAME"):
                    parts = line[2:].split(None, 1)
                    if len(parts) == 2 and parts[0].endswith(("=", "…")) or "=" in parts[0]:
                        desc = re.sub(r"\s+[0-9]+\.[0-9]$", "", parts[1].rstrip()) if len(parts) == 2 else ""
                        checks[parts[0]][(line[0], desc)] += 1
        print("check outcomes seen (mark: ✓ good, ✗ bad, _ n/a; distinct descriptions):")
        for name in sorted(checks):
            marks = collections.Counter()
            for (m, _d), n in checks[name].items():
                marks[m.replace(" ", "_")] += n
            print("  %-62s %s  %d descr." % (name, " ".join("%s%d" % kv for kv in sorted(marks.items())),
                                           len({d for (_m, d) in checks[name]})))
        print("stderr message kinds (count):")
        for k, n in kinds.most_common():
            print("  %5d  %s" % (n, k))
        print()

    shown = failed[:args.show]
    if len(shown) < args.show:
        shown += [r for r in stderr_only if r not in failed][:args.show - len(shown)]
    for r in shown:
        c = r["case"]
        print("%s case %d (profile %s, kind %s): %s   [%s]" % (
            "FAIL" if r in failed else "STDERR", c["index"], c["profile"], c["kind"], " ".join(c["args"] + c["units"]), ", ".join(r["diffs"])))
        for name, a, b in zip(("rc", "stdout", "stderr"), r["oracle"], r["tool"]):
            if name in r["diffs"]:
                sys.stdout.write(short_diff(name, a, b))
    if differing:
        print("%d differing case(s) saved under %s (each with repro.sh); regenerate one with:\n"
              "  %s --seed %s --show INDEX" % (len(differing), args.failures_dir,
                                               os.path.join(SCRIPT_DIR, "gen.py"), args.seed))
    by = collections.Counter(",".join(r["diffs"]) for r in differing)
    if by:
        print("differences: %s" % ", ".join("%s: %d" % kv for kv in sorted(by.items())))
    if args.lenient_stderr:
        print("stderr-only differences (not counted, --lenient-stderr): %d" % len(stderr_only))
    print("time: %.1fs" % elapsed)
    print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
