#!/usr/bin/env python3
"""Prometheus output of `hardnut security --format=prometheus` (issue 8).

1. packaging/hardnut-prometheus.service scores 1.0 or less, by hardnut and
   by the local `systemd-analyze security --offline=yes` (the same number),
   and the timer starts that service.
2. The output follows Prometheus' conventions: hardnut_ prefix, snake_case
   names and labels, HELP and TYPE for every family, seconds for times, no
   series twice.
3. A real node_exporter (Debian's prometheus-node-exporter, started here on
   a free localhost port with only its textfile collector) reads the file
   that `--output` writes, as the packaged service does; /metrics then holds
   hardnut's metrics with the values of `--format=json` of the same units:
   every unit's exposure, every check's failing flag, the predicate counts
   and the scan's unit counts.

Usage: tests/integrations/prometheus_test.py [--tool build/dev/hardnut] [--corpus DIR]
Prints `N passed, M failed`; exit 1 on failure, 2 if a prerequisite is missing.
"""
import argparse
import collections
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from outcome import check, finish, missing

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus", "units")
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "dumb", "HOME": "/root"}
EXPORTER = "/usr/bin/prometheus-node-exporter"


def first(items, n=5):
    items = list(items)
    return "\n".join(map(str, items[:n])) + ("\n... and %d more" % (len(items) - n) if len(items) > n else "")


def overall(tool_args, path):
    p = subprocess.run(tool_args + ["security", "--offline=yes", "--no-pager", path], env=ENV,
                       capture_output=True, text=True)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d) ", p.stdout)
    return (float(m.group(1)) if m else None), p


LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def unescape(v):
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), v)


def parse_exposition(text):
    """{(name, frozenset(labels)): value}, {name: type}, {name: help}, duplicates."""
    samples, types, helps, dups = {}, {}, {}, []
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, h = line[7:].partition(" ")
            helps[name] = h
        elif line.startswith("# TYPE "):
            name, _, t = line[7:].partition(" ")
            types[name] = t
        elif line and not line.startswith("#"):
            m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
            if not m:
                dups.append("unparsable: " + line)
                continue
            labels = frozenset((k, unescape(v)) for k, v in LABEL.findall(m.group(3) or ""))
            key = (m.group(1), labels)
            if key in samples:
                dups.append(line)
            samples[key] = float(m.group(4))
    return samples, types, helps, dups


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_exporter(textfile_dir, log):
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen([EXPORTER, "--web.listen-address=127.0.0.1:%d" % port,
                                 "--collector.disable-defaults", "--collector.textfile",
                                 "--collector.textfile.directory=" + textfile_dir],
                                stdout=log, stderr=log)
        deadline = time.time() + 15
        while time.time() < deadline and proc.poll() is None:
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=2).read()
                return proc, port
            except OSError:
                time.sleep(0.2)
        proc.kill()
        proc.wait()
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", default=os.environ.get("HARDNUT", os.path.join(REPO, "build", "dev", "hardnut")))
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = ap.parse_args()
    tool = os.path.abspath(args.tool)
    if not os.access(tool, os.X_OK):
        missing("no hardnut binary at %s" % tool)
    if not shutil.which("systemd-analyze"):
        missing("systemd-analyze (package systemd) is needed")
    if not os.access(EXPORTER, os.X_OK):
        missing("%s is needed (apt-get install prometheus-node-exporter)" % EXPORTER)
    if not os.path.isdir(args.corpus):
        missing("no corpus at %s" % args.corpus)

    # 1. The packaged service scores itself 1.0 or less.
    service = os.path.join(REPO, "packaging", "hardnut-prometheus.service")
    ours, p1 = overall([tool], service)
    theirs, p2 = overall(["systemd-analyze"], service)
    check("hardnut-prometheus.service: hardnut scores it %s (<= 1.0)" % ours,
          ours is not None and ours <= 1.0, p1.stdout[-2000:] + p1.stderr[-500:])
    check("hardnut-prometheus.service: systemd-analyze scores it %s (<= 1.0), as hardnut" % theirs,
          theirs is not None and theirs <= 1.0 and theirs == ours, p2.stdout[-2000:] + p2.stderr[-500:])
    with open(service) as f:
        unit_text = f.read()
    exec_start = re.search(r"^ExecStart=(.*)$", unit_text, re.M).group(1).split()
    check("the service writes node_exporter's textfile directory atomically (--output)",
          "--format=prometheus" in exec_start and
          "--output=/var/lib/prometheus/node-exporter/hardnut.prom" in exec_start, exec_start)
    with open(os.path.join(REPO, "packaging", "hardnut-prometheus.timer")) as f:
        timer = f.read()
    check("the timer is installable and repeats", "WantedBy=timers.target" in timer and
          re.search(r"^OnUnitActiveSec=", timer, re.M), timer)

    with tempfile.TemporaryDirectory() as tmp:
        textfile_dir = os.path.join(tmp, "textfile")
        os.mkdir(textfile_dir)
        prom = os.path.join(textfile_dir, "hardnut.prom")
        # The service's command, pointed at the corpus and at the test's directory.
        argv = [tool if a == "hardnut" else a for a in exec_start]
        argv = [("--output=" + prom) if a.startswith("--output=") else a for a in argv] + [args.corpus]
        p = subprocess.run(argv, env=ENV, capture_output=True, text=True)
        check("the service's command exits 0 on the corpus", p.returncode == 0, p.stderr[-1500:])
        q = subprocess.run([tool, "security", "--offline=yes", "--no-pager", "--format=json", args.corpus],
                           env=ENV, capture_output=True, text=True)
        doc = json.loads(q.stdout)
        with open(prom) as f:
            text = f.read()

        # 2. Conventions.
        samples, types, helps, problems = parse_exposition(text)
        names = {n for n, _ in samples}
        check("%d series, none twice, all parsable" % len(samples), not problems, first(problems))
        bad_names = [n for n in names if not re.fullmatch(r"hardnut_[a-z][a-z0-9_]*", n)]
        check("metric names are hardnut_snake_case", not bad_names, bad_names)
        bad_labels = sorted({k for _, ls in samples for k, _ in ls if not re.fullmatch(r"[a-z][a-z0-9_]*", k)})
        check("label names are snake_case", not bad_labels, bad_labels)
        check("every family has HELP and TYPE gauge",
              all(helps.get(n) and types.get(n) == "gauge" for n in names),
              [n for n in names if not (helps.get(n) and types.get(n) == "gauge")])
        check("times are in seconds",
              all(n.endswith("_seconds") for n in names if "duration" in n or "timestamp" in n))
        check("build info is a constant 1 with version labels",
              any(n == "hardnut_build_info" and v == 1 and dict(ls).get("version") for (n, ls), v in samples.items()))

        # 3. node_exporter reads it.
        with open(os.path.join(tmp, "exporter.log"), "w") as log:
            proc, port = start_exporter(textfile_dir, log)
            if not proc:
                with open(os.path.join(tmp, "exporter.log")) as f:
                    missing("node_exporter did not start:\n" + f.read()[-2000:])
            try:
                body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30).read().decode()
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        scraped, scraped_types, _, _ = parse_exposition(body)
        errors = [v for (n, ls), v in scraped.items() if n == "node_textfile_scrape_error"]
        check("node_exporter read the textfile without error (node_textfile_scrape_error %s)" % errors,
              errors == [0.0])
        mtime = [dict(ls).get("file") for (n, ls), _ in scraped.items() if n == "node_textfile_mtime_seconds"]
        check("node_exporter read hardnut.prom", any(f and f.endswith("hardnut.prom") for f in mtime), mtime)
        ours_in_scrape = {k: v for k, v in scraped.items() if k[0].startswith("hardnut_")}
        check("/metrics holds all %d hardnut series of the file (%d found)" % (len(samples), len(ours_in_scrape)),
              ours_in_scrape == samples,
              first(sorted(set(map(str, samples.items())) ^ set(map(str, ours_in_scrape.items())))))

        # The values are those of the scan document of the same units.
        def get(name, **labels):
            return scraped.get((name, frozenset(labels.items())))

        wrong_exposure, wrong_flag, flags = [], [], 0
        for u in doc["units"]:
            got = get("hardnut_unit_exposure", unit=u["unit"], file=u["source"])
            if got != u["exposure"]:
                wrong_exposure.append("%s (%s): %s, --format=json %s" % (u["unit"], u["source"], got, u["exposure"]))
            for c in u["checks"]:
                if c["result"] == "n/a":
                    continue
                want = 1.0 if c["result"] == "fail" and "suppressed" not in c else 0.0
                got = get("hardnut_check_failing", unit=u["unit"], file=u["source"], check=c["id"])
                flags += 1
                if got != want:
                    wrong_flag.append("%s %s: %s, want %s" % (u["unit"], c["id"], got, want))
        check("hardnut_unit_exposure of all %d units equals --format=json" % len(doc["units"]),
              doc["units"] and not wrong_exposure, first(wrong_exposure))
        check("hardnut_check_failing of all %d applicable checks equals --format=json" % flags,
              flags and not wrong_flag, first(wrong_flag))
        predicates = collections.Counter(u["predicate"] for u in doc["units"])
        wrong_pred = [(p, get("hardnut_units", predicate=p), predicates.get(p, 0))
                      for p in ("PERFECT", "SAFE", "OK", "MEDIUM", "EXPOSED", "UNSAFE", "DANGEROUS")
                      if get("hardnut_units", predicate=p) != predicates.get(p, 0)]
        check("hardnut_units{predicate} counts the units by predicate", not wrong_pred, wrong_pred)
        s = doc["summary"]
        check("hardnut_scan_units %s and hardnut_scan_failed_units %s as the scan document (%d, %d)" %
              (get("hardnut_scan_units"), get("hardnut_scan_failed_units"), s["units"], s["failed"]),
              get("hardnut_scan_units") == s["units"] and get("hardnut_scan_failed_units") == s["failed"])
        check("hardnut_scan_complete is 1", get("hardnut_scan_complete") == 1)
        stamp = get("hardnut_scan_timestamp_seconds")
        check("hardnut_scan_timestamp_seconds is recent", stamp and abs(time.time() - stamp) < 3600, stamp)

    finish()


if __name__ == "__main__":
    main()
