#!/usr/bin/env python3
"""bench.sh's half inside the booted system: times the overviews (see bench.sh).

Two scenarios, each run alternately for every variant so that drift in the
machine's load hits all alike:
  cold: a `systemctl daemon-reload` (not timed) before every run, as after a
        change or a boot: the manager then computes some properties afresh;
  warm: runs back to back.
Per variant: median and minimum wall time, and the median CPU time of the
tool (its own rusage) and of the manager (PID 1 here, from /proc/1/stat).
"""

import os
import statistics
import subprocess
import sys
import time

TOOL = "/usr/local/bin/hardnut-under-test"
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "xterm"}
TICK = os.sysconf("SC_CLK_TCK")


def manager_cpu():
    fields = open("/proc/1/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


VARIANTS = [
    ("hardnut (default: GetAll(Service)+Gets)", [TOOL, "security"], {}),
    ("systemd-analyze", ["systemd-analyze", "security"], {}),
    ("hardnut GetAll(all interfaces)", [TOOL, "security"], {"HARDNUT_LIVE_FETCH": "all"}),
    ("hardnut Get per property", [TOOL, "security"], {"HARDNUT_LIVE_FETCH": "each"}),
    ("hardnut default, sequential (window 1)", [TOOL, "security"], {"HARDNUT_LIVE_WINDOW": "1"}),
]


def measure(argv, env):
    """wall time, manager CPU, exit status, stdout, stderr of one run."""
    m0, start = manager_cpu(), time.monotonic()
    p = subprocess.run(argv, env=dict(ENV, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    return time.monotonic() - start, manager_cpu() - m0, p.returncode, p.stdout, p.stderr


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    reference = None
    for scenario in ("cold", "warm"):
        times = {name: [] for name, _, _ in VARIANTS}
        tool_cpu = {name: [] for name, _, _ in VARIANTS}
        mgr_cpu = {name: [] for name, _, _ in VARIANTS}
        for _ in range(reps):
            for name, argv, env in VARIANTS:
                if scenario == "cold":
                    subprocess.run(["systemctl", "daemon-reload"], env=ENV, check=True)
                before = os.times()
                wall, mgr, rc, out, err = measure(argv, env)
                after = os.times()
                if rc != 0 or err:
                    sys.exit("bench: %s failed (%d): %s" % (name, rc, err.decode()))
                if reference is None:
                    reference = out
                elif out != reference:
                    sys.exit("bench: %s printed another overview than the first run" % name)
                times[name].append(wall)
                tool_cpu[name].append((after.children_user - before.children_user) +
                                      (after.children_system - before.children_system))
                mgr_cpu[name].append(mgr)
        oracle = statistics.median(times["systemd-analyze"])
        print("\n%s: overview of %d services (%d units loaded), %d runs each, %d CPUs, load %.1f" %
              (scenario, len(reference.decode().splitlines()) - 1, count_units(), reps,
               os.cpu_count(), os.getloadavg()[0]))
        print("%-42s %9s %9s %8s %9s %9s" % ("", "median s", "min s", "speedup", "tool CPU",
                                              "PID1 CPU"))
        for name, _, _ in VARIANTS:
            m = statistics.median(times[name])
            print("%-42s %9.3f %9.3f %7.1fx %9.3f %9.3f" %
                  (name, m, min(times[name]), oracle / m, statistics.median(tool_cpu[name]),
                   statistics.median(mgr_cpu[name])))


def count_units():
    out = subprocess.run(["systemctl", "list-units", "--all", "--plain", "--no-legend"], env=ENV,
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    return len(out.splitlines())


if __name__ == "__main__":
    main()
