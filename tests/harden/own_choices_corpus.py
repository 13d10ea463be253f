#!/usr/bin/python3
"""The unit's own choices are evidence (issue 13): over every service of the
corpus, `hardnut harden --level=standard` must not change a
directive that the unit file or its drop-ins set themselves, to any value.

The unit's own settings are read here by a small parser of its own (not
hardnut's), so a mistake in hardnut's reading of the files is caught too.
At --level=aggressive such a change is allowed only with a NOTE line in the
drop-in saying that it overrides the unit's own setting; that is checked as
well. Exits 1 listing every violation.
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys

BOOLEANS = {"1": True, "yes": True, "y": True, "true": True, "t": True, "on": True,
            "0": False, "no": False, "n": False, "false": False, "f": False, "off": False}


def logical_lines(text):
    """systemd's line continuation: a trailing backslash joins the next line."""
    out, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if pending and (line.startswith("#") or line.startswith(";")):
            continue  # comments inside a continuation are skipped
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append(pending + line)
        pending = ""
    if pending:
        out.append(pending)
    return out


def own_settings(path, section):
    """KEY -> last value the unit's files set in `section`."""
    files = [path]
    d = path + ".d"
    if os.path.isdir(d):
        files += sorted(glob.glob(os.path.join(d, "*.conf")))
    settings = {}
    for f in files:
        current = None
        with open(f, errors="replace") as fh:
            for line in logical_lines(fh.read()):
                if not line or line[0] in "#;":
                    continue
                if line.startswith("["):
                    current = line.strip("[]")
                    continue
                if current == section and "=" in line:
                    key, value = line.split("=", 1)
                    settings[key.strip()] = value.strip()
    return settings


def same(a, b):
    if a == b:
        return True
    x, y = BOOLEANS.get(a.lower()), BOOLEANS.get(b.lower())
    return x is not None and x == y


def dropin_lines(text):
    """(directive line, the comment lines right above it) of a drop-in."""
    out, comments = [], []
    for line in text.splitlines():
        if line.startswith("#"):
            comments.append(line)
        elif "=" in line and not line.startswith("["):
            out.append((line, comments))
            comments = []
        else:
            comments = []
    return out


def check(tool, path, level):
    r = subprocess.run([tool, "harden", "--level=" + level, path], capture_output=True, text=True)
    if r.returncode != 0:
        return None, []
    own = own_settings(path, "Service")
    problems = []
    for line, comments in dropin_lines(r.stdout):
        key, value = line.split("=", 1)
        if key in own and not same(value, own[key]):
            noted = any("overrides the unit's own " + key + "=" in c for c in comments)
            if level != "aggressive" or not noted:
                problems.append("%s at %s: %s replaces the unit's own %s=%s%s"
                                % (path, level, line, key, own[key],
                                   "" if level != "aggressive" else " without a NOTE"))
    overrides = sum(1 for _, comments in dropin_lines(r.stdout)
                    if any("overrides the unit's own" in c for c in comments))
    return (r.stdout.count("\n# [") > 0, overrides), problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    units = sorted(glob.glob(os.path.join(a.corpus, "units", "*", "*.service")))
    if len(units) < 100:
        print("FAIL: only %d corpus services found in %s" % (len(units), a.corpus))
        return 1
    jobs = [(u, level) for u in units for level in ("standard", "aggressive")]
    problems, planned, with_own, noted = [], 0, 0, 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for (u, level), (result, p) in zip(jobs, pool.map(lambda j: check(a.tool, *j), jobs)):
            problems += p
            if result:
                planned += result[0]
                noted += result[1]
    for u in units:
        with_own += bool(own_settings(u, "Service"))
    print("%d services, %d plans with changes, %d services setting directives themselves, "
          "%d overrides of them at aggressive, each with a NOTE" % (len(units), planned, with_own, noted))
    if noted == 0:  # the corpus has such units (aide's PrivateDevices=no): the check must see them
        print("FAIL: no aggressive plan overrides a unit's own setting; is the NOTE gone?")
        return 1
    if planned < len(units):  # most units get some change at some level
        print("FAIL: only %d of %d plans change anything" % (planned, len(jobs)))
        return 1
    if problems:
        print("FAIL: %d changes of the units' own settings:\n%s"
              % (len(problems), "\n".join(problems[:50])))
        return 1
    print("ok: no standard or safe plan changes a unit's own setting; aggressive ones say so")
    return 0


if __name__ == "__main__":
    sys.exit(main())
