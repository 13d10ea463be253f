#!/usr/bin/env python3
"""hardnut benchmark driver (run through bench/run.sh, which builds first).

Measures, on the same files and in the same run: hardnut's folder scan
(details), hardnut on file arguments in the batches systemd-analyze gets,
hardnut's overview of the folder, `systemd-analyze security --offline=yes`
(1,000 files per process) and `cat` of every file (the floor), for the
corpus services and for generated units.  See bench/README.md.
"""

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_units  # noqa: E402

SYSTEMD_BATCH = 1000  # files per systemd-analyze process (the rule)
CAT_BATCH = 10000  # files per cat process
ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
    "TERM": "xterm",
    "HOME": os.environ.get("HOME", "/root"),
    "SYSTEMD_UNIT_PATH": "",  # keeps the host's units out, for both tools
}

# The measured tools, in table order: key, label.
TOOLS = [
    ("details", "hardnut DIR"),
    ("files", "hardnut FILES"),
    ("overview", "hardnut --overview DIR"),
    ("systemd", "systemd-analyze FILES"),
    ("cat", "cat"),
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_procs(argvs, cwd, capture=False):
    """Runs the commands one after the other, stdout to /dev/null (or captured).

    Returns (wall seconds for all, peak RSS KiB of the largest process, exit
    codes, captured stdout bytes, CPU seconds user+sys of all).  Peak RSS
    comes from GNU time's %M: a child forked straight from this Python
    process would inherit its high-water mark (ru_maxrss survives fork and
    exec), so wait4 alone would over-report small processes; without
    /usr/bin/time that is the fallback, flagged in the report."""
    rss, codes, out, cpu = 0, [], [], 0.0
    rssfile = os.path.join(tempfile.gettempdir(), f"hardnut-bench-rss.{os.getpid()}")
    t0 = time.perf_counter()
    for argv in argvs:
        if TIME:
            argv = [TIME, "-q", "-f", "%M", "-o", rssfile] + argv
        with open(os.devnull, "wb") as devnull:
            p = subprocess.Popen(argv, cwd=cwd, env=ENV, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE if capture else devnull, stderr=devnull)
            data = p.stdout.read() if capture else b""
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            if capture:
                p.stdout.close()
        if TIME:
            with open(rssfile) as f:
                rss = max(rss, int(f.read().split()[-1]))
        else:
            rss = max(rss, ru.ru_maxrss)  # KiB on Linux
        cpu += ru.ru_utime + ru.ru_stime  # time's own and its waited-for child's
        codes.append(p.returncode)
        out.append(data)
    wall = time.perf_counter() - t0
    if TIME and os.path.exists(rssfile):
        os.unlink(rssfile)
    return wall, rss, codes, b"".join(out), cpu


def batches(files, n):
    return [files[i:i + n] for i in range(0, len(files), n)]


class Input:
    def __init__(self, label, root, units, allfiles, note=""):
        self.label, self.root, self.units, self.allfiles, self.note = label, root, units, allfiles, note


def list_input(label, root, note=""):
    units, allfiles = [], []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            rel = os.path.relpath(os.path.join(d, f), root)
            allfiles.append(rel)
            if f.endswith(".service") and not d.endswith(".d"):
                units.append(rel)
    return Input(label, root, units, allfiles, note)


def copy_corpus(corpus, dest):
    """Every .service of the corpus (templates too) into one flat folder, with
    the drop-in folders shipped beside them; a repeated name gets its package
    as prefix."""
    os.makedirs(dest)
    taken = set()
    for pkg in sorted(os.listdir(corpus)):
        pdir = os.path.join(corpus, pkg)
        if not os.path.isdir(pdir):
            continue
        for name in sorted(os.listdir(pdir)):
            src = os.path.join(pdir, name)
            if not name.endswith(".service") or not os.path.isfile(src):
                continue
            out = name if name not in taken else f"{pkg}-{name}"
            taken.add(out)
            shutil.copyfile(src, os.path.join(dest, out))
            if os.path.isdir(src + ".d"):
                os.makedirs(os.path.join(dest, out + ".d"))
                for conf in sorted(os.listdir(src + ".d")):
                    shutil.copyfile(os.path.join(src + ".d", conf), os.path.join(dest, out + ".d", conf))


def probe_modes(hardnut, work, corpus_dir):
    """Which of `hardnut security DIR` and `--overview DIR` this build supports."""
    probe = os.path.join(work, "probe")
    os.makedirs(os.path.join(probe, "sub"))
    sample = sorted(f for f in os.listdir(corpus_dir) if f.endswith(".service") and "@" not in f)[0]
    shutil.copyfile(os.path.join(corpus_dir, sample), os.path.join(probe, "sub", sample))
    base = [hardnut, "security", "--offline=yes", "--no-pager"]
    r = subprocess.run(base + [probe], env=ENV, capture_output=True)
    dir_mode = r.returncode == 0 and f"Overall exposure level for {sample}".encode() in r.stdout
    r = subprocess.run(base + ["--overview", probe], env=ENV, capture_output=True)
    head = r.stdout.split(b"\n", 1)[0]
    overview = r.returncode == 0 and b"UNIT" in head and b"EXPOSURE" in head
    shutil.rmtree(probe)
    return dir_mode, overview


def measure(inp, hardnut, modes, args):
    """The timed runs of one input: a warm-up run of each tool, then
    `repeats` rounds in which each tool runs once (interleaved, so that load
    from elsewhere on the machine hits them alike); the median wall and CPU
    time of the rounds are kept.  Above --systemd-sample units,
    systemd-analyze runs on the first batches only, in every round, and its
    times are scaled to the whole input (marked "~")."""
    n = len(inp.units)
    res = {"input": inp.label, "units": n, "files": len(inp.allfiles), "note": inp.note}
    base = [hardnut, "security", "--offline=yes", "--no-pager"]
    dir_mode, overview = modes

    jobs = {}
    scale = {}  # tool -> factor from the measured units to all units
    if dir_mode:
        jobs["details"] = [base + [inp.root]]
    jobs["files"] = [base + b for b in batches(inp.units, SYSTEMD_BATCH)]
    if overview:
        jobs["overview"] = [base + ["--overview", inp.root]]
    sd = shutil.which("systemd-analyze")
    if sd and not args.no_systemd:
        sbatches = batches(inp.units, SYSTEMD_BATCH)
        limit = args.systemd_sample
        if limit and n > limit:
            sbatches = sbatches[:max(1, math.ceil(limit / SYSTEMD_BATCH))]
        measured = sum(len(b) for b in sbatches)
        jobs["systemd"] = [[sd, "security", "--offline=yes", "--no-pager"] + b for b in sbatches]
        if measured < n:
            scale["systemd"] = (n / measured, measured)
    jobs["cat"] = [["cat"] + b for b in batches(inp.allfiles, CAT_BATCH)]

    log(f"[{inp.label}] warm-up ...")
    for k, argvs in jobs.items():
        run_procs(argvs[:1] if k == "systemd" else argvs, inp.root)
    runs = {k: [] for k in jobs}
    for r in range(args.repeats):
        for k, argvs in jobs.items():
            log(f"[{inp.label}] round {r + 1}/{args.repeats}: {k} ({len(argvs)} process(es)) ...")
            # The tool's first process once more, untimed, right before: no
            # tool is timed straight after another one (a process right after
            # systemd-analyze's 10,000 units ran up to 25 % slower, whichever).
            run_procs(argvs[:1], inp.root)
            runs[k].append(run_procs(argvs, inp.root))
    for k, rs in runs.items():
        f, measured = scale.get(k, (1.0, n))
        res[k] = {"wall": statistics.median(x[0] for x in rs) * f, "walls": [x[0] for x in rs],
                  "cpu": statistics.median(x[4] for x in rs) * f, "rss_kib": max(x[1] for x in rs),
                  "procs": len(jobs[k]), "rc": sorted({c for x in rs for c in x[2]}),
                  "measured_units": measured, "extrapolated": f != 1.0}

    # Spot checks on the first batch: hardnut gives the bytes systemd-analyze
    # gives, for the same file arguments and for its folder scan.
    res["same_output"] = None
    if sd and not args.no_systemd:
        first = inp.units[:SYSTEMD_BATCH]
        a = run_procs([[sd, "security", "--offline=yes", "--no-pager"] + first], inp.root, capture=True)[3]
        b = run_procs([base + first], inp.root, capture=True)[3]
        res["same_output"] = a == b
        if dir_mode and len(inp.units) <= SYSTEMD_BATCH and "@" not in "".join(first):
            c = run_procs([base + [inp.root]], inp.root, capture=True)[3]
            res["same_output_dir"] = a == c
    return res


# ---------------------------------------------------------------- reporting


def fmt_rate(units, wall):
    return f"{units / wall:,.0f}" if wall > 0 else "inf"


def fmt_wall(w):
    return f"{w:.3f}s" if w < 10 else f"{w:.1f}s"


def fmt_mib(kib):
    return f"{kib / 1024:.1f} MiB"


def table(rows, header, aligns):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    out = []
    for r in [header] + rows:
        parts = []
        for i, c in enumerate(r):
            parts.append(str(c).ljust(widths[i]) if aligns[i] == "l" else str(c).rjust(widths[i]))
        out.append("  ".join(parts).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def report(results, modes, args, env_info):
    dir_mode, overview = modes
    print()
    print("hardnut benchmark  " + "  ".join(f"{k}: {v}" for k, v in env_info.items()))
    print("tools, all with output to /dev/null (stderr too):")
    print("  hardnut DIR            `hardnut security --offline=yes --no-pager DIR`: one process, the folder scan"
          " (details of every unit, all cores)" + ("" if dir_mode else " — NOT SUPPORTED by this build"))
    print(f"  hardnut FILES          `hardnut security --offline=yes --no-pager FILE...`: {SYSTEMD_BATCH:,} files"
          " per process, as systemd-analyze gets them")
    print("  hardnut --overview DIR the overview table of the folder scan (UNIT, EXPOSURE, PREDICATE, HAPPY)"
          + ("" if overview else " — NOT SUPPORTED by this build"))
    print(f"  systemd-analyze FILES  `systemd-analyze security --offline=yes --no-pager FILE...`, {SYSTEMD_BATCH:,}"
          " files per process, one process at a time")
    print(f"  cat                    `cat` of every file (units and drop-ins), {CAT_BATCH:,} per process: the floor")
    print(f"wall and CPU (user+sys): median of {args.repeats} interleaved rounds after a warm-up; peak RSS: largest"
          " single process, " + ("GNU time %M." if TIME else "wait4 ru_maxrss (no /usr/bin/time: small processes"
                                 " are over-reported)."))
    print()
    header = ["input", "units", "tool", "units/s", "wall", "CPU", "peak RSS", "× systemd", "× cat (wall)"]
    rows, notes = [], []
    for r in results:
        sd, cat = r.get("systemd"), r.get("cat")
        first = True
        for k, label in TOOLS:
            m = r.get(k)
            if not m:
                continue
            p = "~" if m.get("extrapolated") else ""
            vs_sd = ""
            if sd and k not in ("systemd", "cat"):
                vs_sd = f"{'~' if sd.get('extrapolated') else ''}{sd['wall'] / m['wall']:.1f}×"
            vs_cat = f"{m['wall'] / cat['wall']:.2f}" if cat and k != "cat" else ""
            rows.append([r["input"] if first else "", f"{r['units']:,}" if first else "", label,
                         p + fmt_rate(r["units"], m["wall"]), p + fmt_wall(m["wall"]), p + f"{m['cpu']:.2f}s",
                         fmt_mib(m["rss_kib"]), vs_sd, vs_cat])
            first = False
            if m.get("extrapolated"):
                notes.append(f"~ {r['input']}: {label} ran on the first {m['measured_units']:,} units in each round"
                             f" ({fmt_wall(statistics.median(m['walls']))} median) and is scaled linearly to"
                             f" {r['units']:,}")
    print(table(rows, header, ["l", "r", "l", "r", "r", "r", "r", "r", "r"]))
    for n in notes:
        print(n)

    # Targets.
    print()
    print("targets (issue 4):")
    largest = max(results, key=lambda r: r["units"]) if results else None
    verdicts = []
    for r in results:
        sd = r.get("systemd")
        if not sd:
            continue
        for k in ("details", "files"):
            m = r.get(k)
            if m:
                x = sd["wall"] / m["wall"]
                verdicts.append((f"{r['input']}: {dict(TOOLS)[k]} ≥ 20× systemd-analyze units/s",
                                 f"{'~' if sd.get('extrapolated') else ''}{x:.1f}×", x >= 20))
    if largest and largest.get("overview"):
        x = largest["overview"]["wall"] / largest["cat"]["wall"]
        verdicts.append((f"{largest['input']}: overview wall ≤ 3× cat", f"{x:.2f}×", x <= 3))
    rss = [(r["units"], max(r[k]["rss_kib"] for k in ("details", "files", "overview") if r.get(k)))
           for r in results]
    if largest:
        peak = dict(rss)[largest["units"]]
        verdicts.append((f"{largest['input']}: hardnut peak RSS < 64 MiB", fmt_mib(peak), peak < 64 * 1024))
        verdicts.append(("hardnut peak RSS by size (flat?)", ", ".join(f"{u:,}: {fmt_mib(k)}" for u, k in rss),
                         None))
    for what, value, ok in verdicts:
        print(f"  {'ok  ' if ok else ('MISS' if ok is not None else '    ')}  {what}: {value}")
    if largest and largest["units"] < 100000:
        print(f"  note: the largest input here has {largest['units']:,} units; the overview/cat and RSS targets are"
              " stated for 100,000.")
    same = [(r["input"], r.get("same_output"), r.get("same_output_dir")) for r in results]
    print("output check, first 1,000 units: hardnut FILES == systemd-analyze FILES: "
          + ", ".join(f"{i} {'n/a' if s is None else ('yes' if s else 'NO')}" for i, s, _ in same)
          + ("; hardnut DIR == systemd-analyze FILES: "
             + ", ".join(f"{i} {'yes' if d else 'NO'}" for i, _, d in same if d is not None)
             if any(d is not None for _, _, d in same) else ""))
    bad = [f"{r['input']} {k} exit {r[k]['rc']}" for r in results for k in ("details", "files", "overview", "systemd")
           if r.get(k) and any(c != 0 for c in r[k]["rc"])]
    if bad:
        print("non-zero exit codes (units that failed to load?): " + "; ".join(bad))
    print("Wall-time ratios are the targets; on a machine that other work loads, compare the CPU column too"
          " (hardnut uses every core, so its CPU time can exceed its wall time).")


def main():
    ap = argparse.ArgumentParser(description="hardnut vs systemd-analyze vs cat (see bench/README.md)")
    ap.add_argument("--sizes", default="1000,10000,100000", help="generated input sizes (default %(default)s)")
    ap.add_argument("--quick", action="store_true", help="corpus, 1,000 and 10,000 only")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder with the inputs")
    ap.add_argument("--systemd-sample", type=int, default=10000, metavar="N",
                    help="above N units, run systemd-analyze on the first N only and scale its times"
                         " (default %(default)s; 0: always all)")
    ap.add_argument("--no-systemd", action="store_true", help="do not run systemd-analyze at all")
    ap.add_argument("--no-corpus", action="store_true", help="skip the corpus row")
    ap.add_argument("--repeats", type=int, default=3, help="timed rounds (median; default %(default)s)")
    ap.add_argument("--flat", action="store_true", help="generated units in one folder (default: 1,000 per subfolder)")
    ap.add_argument("--seed", default="hardnut-bench")
    ap.add_argument("--corpus", default=gen_units.DEFAULT_CORPUS, help="corpus units folder")
    ap.add_argument("--hardnut", default=os.path.join(REPO, "build", "release", "hardnut"))
    ap.add_argument("--json", metavar="FILE", help="also write the measurements as JSON")
    ap.add_argument("--workdir", help="parent of the temporary folder (default $TMPDIR or /tmp)")
    args = ap.parse_args()

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes = [s for s in sizes if s <= 10000] or [1000]
    if not os.access(args.hardnut, os.X_OK):
        sys.exit(f"bench: {args.hardnut} not found; build with cmake --preset release && cmake --build --preset release")

    work = tempfile.mkdtemp(prefix="hardnut-bench.", dir=args.workdir)
    try:
        inputs = []
        corpus_flat = os.path.join(work, "corpus")
        copy_corpus(args.corpus, corpus_flat)
        modes = probe_modes(args.hardnut, work, corpus_flat)
        if not args.no_corpus:
            inputs.append(list_input("corpus", corpus_flat, "every .service of the corpus, one flat folder"))
        model = gen_units.Model(args.corpus)
        for n in sizes:
            d = os.path.join(work, f"gen-{n}")
            log(f"generating {n:,} units ...")
            gen_units.generate(model, n, d, args.seed, 0 if args.flat else 1000, model.dropin_share)
            inputs.append(list_input(f"gen {n:,}", d))
        os.sync()  # no writeback of the fresh files during the timed runs
        time.sleep(1)

        version = subprocess.run([args.hardnut, "--version"], capture_output=True, text=True).stdout.strip()
        sdv = subprocess.run(["systemd-analyze", "--version"], capture_output=True, text=True).stdout.split("\n")[0] \
            if shutil.which("systemd-analyze") else "absent"
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
                   platform.machine())
        env_info = {"hardnut": version or "?", "systemd": sdv, "cores": os.cpu_count(), "cpu": cpu,
                    "load before": "%.1f" % os.getloadavg()[0]}

        results = [measure(i, args.hardnut, modes, args) for i in inputs]
        env_info["load after"] = "%.1f" % os.getloadavg()[0]
        report(results, modes, args, env_info)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"env": env_info, "modes": {"dir": modes[0], "overview": modes[1]}, "results": results}, f,
                          indent=1)
    finally:
        if args.keep:
            log(f"inputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
