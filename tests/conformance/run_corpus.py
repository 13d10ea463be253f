#!/usr/bin/env python3
"""Conformance test: run a tool over the shared oracle corpus and compare byte for byte.

For every record of ``oracle-v<VERSION>.jsonl.xz`` the tool is run exactly like the
oracle was (see shared/corpus/README.md):

    cd <corpus>/<cwd>
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=xterm HOME=/root \\
        <tool> security --offline=yes --no-pager [EXTRA...] [--json=short] <invoked_as>

stdin is /dev/null, stdout and stderr are pipes.  ``rc``/``stdout`` and
``json_rc``/``json_stdout`` must match exactly.  ``stderr``/``json_stderr`` are compared
after removing "<absolute corpus dir>/" from the tool's output; a stderr mismatch is
reported separately and only counts as a failure with --strict-stderr.

The last line printed is ``N passed, M failed``.  Exit status: 0 all passed, 1 some
failed, 2 usage/setup error (tool or corpus missing).

Python 3 standard library only.
"""

import argparse
import collections
import concurrent.futures
import difflib
import json
import lzma
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT_DIR))
DEFAULT_CORPUS = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "corpus"))
DEFAULT_TOOL = os.path.join(REPO_ROOT, "build", "dev", "hardnut")

ORACLE_ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "TERM": "xterm",
    "HOME": "/root",
}
BASE_ARGS = ["security", "--offline=yes", "--no-pager"]


def die(msg, code=2):
    sys.stderr.write("run_corpus.py: error: %s\n" % msg)
    sys.exit(code)


def resolve_tool(spec):
    """Turn the --tool command prefix into an argv list with an absolute executable.

    The tool runs in the record's directory with a minimal PATH, so the
    executable is resolved here: a name without '/' through our own $PATH, a
    relative path against the current directory and then the repository root.
    """
    argv = shlex.split(spec)
    if not argv:
        die("--tool is empty")
    exe = argv[0]
    if "/" in exe:
        candidates = [exe] if os.path.isabs(exe) else [
            os.path.abspath(exe), os.path.join(REPO_ROOT, exe)]
        for c in candidates:
            if os.path.isfile(c) and os.access(c, os.X_OK):
                argv[0] = os.path.abspath(c)
                return argv
        die("tool under test not found or not executable: %s (tried: %s)\n"
            "  build it first (e.g. cmake --preset dev && cmake --build --preset dev)"
            " or pass --tool" % (exe, ", ".join(candidates)))
    found = shutil.which(exe)
    if not found:
        die("tool under test not found in PATH: %s" % exe)
    argv[0] = found
    return argv


def load_records(corpus, version):
    path = os.path.join(corpus, "oracle-v%s.jsonl.xz" % version)
    if not os.path.isfile(path):
        die("oracle file not found: %s" % path)
    recs = []
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if line.strip():
                r = json.loads(line)
                r["_index"] = i
                recs.append(r)
    return recs


def restore_alias_symlinks(corpus, recs, tmproot):
    """Rebuild the alias/mask symlinks if the corpus copy lost them.

    ALIASES.tsv lists the symlinks (mysql.service -> mariadb.service, masks ->
    /dev/null) that were present in alias/<package>/ when the oracle ran.  A
    corpus that went through a symlink-less copy holds them as small regular
    files containing the link target, which systemd reads as a broken unit.
    In that case alias/<package>/ is copied to <tmproot>/alias/<package>/ with
    the real symlinks and the records run there (the corpus stays untouched).
    Returns {cwd: replacement absolute dir}.
    """
    tsv = os.path.join(corpus, "ALIASES.tsv")
    if not os.path.isfile(tsv):
        return {}
    links = collections.defaultdict(dict)  # package -> {file name: target}
    with open(tsv, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            if row.get("link_type") == "symlink":
                links[row["package"]][os.path.basename(row["path_in_package"])] = row["target"]
    remap = {}
    for cwd in sorted({r["cwd"] for r in recs if r["cwd"].startswith("alias/")}):
        pkg = cwd.split("/", 1)[1]
        src = os.path.join(corpus, cwd)
        broken = [n for n in links.get(pkg, {})
                  if os.path.lexists(os.path.join(src, n)) and not os.path.islink(os.path.join(src, n))]
        if not broken:
            continue
        dst = os.path.join(tmproot, cwd)
        shutil.copytree(src, dst, symlinks=True)
        os.chmod(dst, 0o755)  # copied from a read-only corpus; must stay removable
        for name in broken:
            os.unlink(os.path.join(dst, name))
            os.symlink(links[pkg][name], os.path.join(dst, name))
        remap[cwd] = dst
    return remap


def run_one(argv, cwd, timeout):
    try:
        p = subprocess.run(argv, cwd=cwd, env=dict(ORACLE_ENV), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or b"", (e.stderr or b"") + b"\n[run_corpus: TIMEOUT]\n"
    except OSError as e:
        return "exec-error", b"", ("[run_corpus: cannot execute: %s]\n" % e).encode()


def strip_prefix(data, prefixes):
    for p in prefixes:
        data = data.replace(p, b"")
    return data


def check_record(rec, tool_argv, extra, corpus, prefixes, timeout, remap):
    cwd = remap.get(rec["cwd"]) or os.path.join(corpus, rec["cwd"])
    unit = rec["invoked_as"]
    result = {"rec": rec, "diffs": [], "stderr_diffs": [], "got": {}}
    for mode, pre in (("text", ""), ("json", "json_")):
        argv = tool_argv + BASE_ARGS + list(extra)
        if mode == "json":
            argv.append("--json=short")
        argv.append(unit)
        rc, out, err = run_one(argv, cwd, timeout)
        err = strip_prefix(err, prefixes)
        exp_rc = rec[pre + "rc"]
        exp_out = (rec[pre + "stdout"] or "").encode("utf-8")
        exp_err = (rec[pre + "stderr"] or "").encode("utf-8")
        result["got"][mode] = (rc, out, err)
        if rc != exp_rc:
            result["diffs"].append((pre + "rc", exp_rc, rc))
        if out != exp_out:
            result["diffs"].append((pre + "stdout", exp_out, out))
        if err != exp_err:
            result["stderr_diffs"].append((pre + "stderr", exp_err, err))
    return result


def render_diff(field, exp, got, max_lines=40):
    if isinstance(exp, bytes):
        a = exp.decode("utf-8", "backslashreplace").splitlines(keepends=True)
        b = got.decode("utf-8", "backslashreplace").splitlines(keepends=True)
        lines = list(difflib.unified_diff(a, b, "expected/" + field, "actual/" + field, n=1))
        if not lines:  # differs only in something splitlines hides (e.g. final newline)
            lines = ["--- expected/%s\n" % field, "+++ actual/%s\n" % field,
                     "-%r\n" % exp[-80:], "+%r\n" % got[-80:]]
        out = []
        for ln in lines[:max_lines]:
            out.append("    " + (ln if ln.endswith("\n") else ln + "\n\\ no newline\n"))
        if len(lines) > max_lines:
            out.append("    ... (%d more diff lines)\n" % (len(lines) - max_lines))
        return "".join(out)
    return "    %s: expected %r, got %r\n" % (field, exp, got)


def label(rec):
    return "%s :: %s" % (rec["cwd"], rec["invoked_as"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", default=DEFAULT_TOOL,
                    help="command prefix of the tool under test (default: %(default)s); "
                         "'security --offline=yes --no-pager ...' is appended, "
                         "e.g. --tool systemd-analyze to check the harness itself")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)")
    ap.add_argument("--version", default="252", help="oracle version: 252, 257, 262 (default: 252)")
    ap.add_argument("--extra-arg", action="append", default=[], metavar="ARG",
                    help="extra argument placed after --no-pager and before the unit "
                         "(repeatable), e.g. --extra-arg=--systemd-version=257")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel workers (default: nproc)")
    ap.add_argument("--show", type=int, default=5, help="failing records to show diffs for (default 5)")
    ap.add_argument("--strict-stderr", action="store_true",
                    help="count stderr/json_stderr mismatches as failures")
    ap.add_argument("--kinds", default=None,
                    help="comma-separated kinds to run (service,template,template-instance,socket,alias,masked)")
    ap.add_argument("--match", default=None,
                    help="only records whose cwd, invoked_as or unit contains this substring")
    ap.add_argument("--list-failures", action="store_true",
                    help="print one line per failing record (cwd, invoked_as, what differed)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per invocation (default 60)")
    args = ap.parse_args()

    tool_argv = resolve_tool(args.tool)
    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus):
        die("corpus folder not found: %s" % corpus)
    # systemd prints absolute paths built from getcwd(), i.e. the real path;
    # strip both the real and the given spelling.
    prefixes = []
    for p in (os.path.realpath(corpus), corpus):
        b = (p.rstrip("/") + "/").encode()
        if b not in prefixes:
            prefixes.append(b)

    recs = load_records(corpus, args.version)
    if args.kinds:
        kinds = {k.strip() for k in args.kinds.split(",") if k.strip()}
        known = {r["kind"] for r in recs}
        unknown = kinds - known
        if unknown:
            die("unknown kind(s) %s; known: %s" % (", ".join(sorted(unknown)), ", ".join(sorted(known))))
        recs = [r for r in recs if r["kind"] in kinds]
    if args.match:
        m = args.match
        recs = [r for r in recs if m in r["cwd"] or m in r["invoked_as"] or m in (r.get("unit") or "")]
    if not recs:
        die("no records selected")

    print("tool:    %s" % " ".join(shlex.quote(a) for a in tool_argv))
    print("corpus:  %s (oracle-v%s, %d records)" % (corpus, args.version, len(recs)))
    sys.stdout.flush()

    results = [None] * len(recs)
    with tempfile.TemporaryDirectory(prefix="hardnut-corpus-") as tmproot:
        remap = restore_alias_symlinks(corpus, recs, tmproot)
        if remap:
            print("note:    %d alias/ folder(s) lost their symlinks in this corpus copy; "
                  "running them from a copy with the links of ALIASES.tsv restored" % len(remap))
            sys.stdout.flush()
            tp = (os.path.realpath(tmproot).rstrip("/") + "/").encode()
            prefixes = prefixes + [tp]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            futs = {ex.submit(check_record, r, tool_argv, args.extra_arg, corpus, prefixes,
                              args.timeout, remap): i
                    for i, r in enumerate(recs)}
            for f in concurrent.futures.as_completed(futs):
                results[futs[f]] = f.result()

    per_kind = collections.OrderedDict()
    failed, stderr_only = [], []
    for res in results:
        kind = res["rec"]["kind"]
        st = per_kind.setdefault(kind, [0, 0, 0])  # passed, failed, stderr mismatches
        hard = bool(res["diffs"]) or (args.strict_stderr and bool(res["stderr_diffs"]))
        if res["stderr_diffs"]:
            st[2] += 1
        if hard:
            st[1] += 1
            failed.append(res)
        else:
            st[0] += 1
            if res["stderr_diffs"]:
                stderr_only.append(res)

    if args.list_failures:
        print("\n== failing records ==")
        for res in failed:
            what = [d[0] for d in res["diffs"]]
            if args.strict_stderr:
                what += [d[0] for d in res["stderr_diffs"]]
            print("FAIL %s\t%s\t%s" % (res["rec"]["cwd"], res["rec"]["invoked_as"], ",".join(what)))
        for res in stderr_only:
            print("STDERR %s\t%s\t%s" % (res["rec"]["cwd"], res["rec"]["invoked_as"],
                                         ",".join(d[0] for d in res["stderr_diffs"])))

    if failed and args.show > 0:
        print("\n== first %d of %d failing records ==" % (min(args.show, len(failed)), len(failed)))
        for res in failed[:args.show]:
            print("FAIL %s" % label(res["rec"]))
            for field, exp, got in res["diffs"] + (res["stderr_diffs"] if args.strict_stderr else []):
                sys.stdout.write(render_diff(field, exp, got))
    if stderr_only and args.show > 0:
        print("\n== first %d of %d stderr-only mismatches (not failures; --strict-stderr to fail) =="
              % (min(args.show, len(stderr_only)), len(stderr_only)))
        for res in stderr_only[:args.show]:
            print("STDERR %s" % label(res["rec"]))
            for field, exp, got in res["stderr_diffs"]:
                sys.stdout.write(render_diff(field, exp, got))

    print("\n== per kind ==")
    for kind, (p, f, s) in per_kind.items():
        print("%-18s %4d/%-4d passed%s" % (kind, p, p + f, ("  (%d stderr mismatches)" % s) if s else ""))
    n_stderr = sum(v[2] for v in per_kind.values())
    print("stderr mismatches: %d%s" % (n_stderr, " (counted as failures)" if args.strict_stderr else ""))
    n_pass = sum(v[0] for v in per_kind.values())
    n_fail = sum(v[1] for v in per_kind.values())
    print("%d passed, %d failed" % (n_pass, n_fail))
    sys.exit(1 if n_fail else 0)


if __name__ == "__main__":
    main()
