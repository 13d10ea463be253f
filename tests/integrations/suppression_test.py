#!/usr/bin/env python3
"""Inline suppressions (issue 8), end to end.

A unit file and a drop-in carry `# hardnut: ignore=... reason="..."`
comments, valid and invalid ones. Then:

1. systemd-analyze's outputs stay identical: the default text, --json=short
   and the exit status of `hardnut security` equal the local
   `systemd-analyze security`'s, stderr included (no hardnut message there).
2. SARIF: exactly the suppressed checks carry an inSource suppression whose
   justification is the reason and whose location is the comment's line.
3. Prometheus: a suppressed check is not failing, and
   hardnut_check_suppressed names it with its reason.
4. The scan document: `suppressed` holds reason, file and line; the
   exposure is systemd's, unchanged.
5. Invalid suppressions (unknown check, no reason, unknown key) suppress
   nothing and are reported on stderr with file and line.

Usage: tests/integrations/suppression_test.py [--tool build/dev/hardnut]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from outcome import check, finish, missing

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "dumb", "HOME": "/root"}

UNIT = """[Unit]
Description=suppression probe
# hardnut: ignore=PrivateNetwork reason="serves clients on the LAN"

[Service]
ExecStart=/usr/bin/true
; hardnut: ignore=NoSuchCheck reason=typo
# hardnut: ignore=PrivateTmp
#hardnut: ignore=PrivateUsers reason=x colour=blue
"""
DROPIN = """# hardnut: ignore=CapabilityBoundingSet_CAP_SYS_* reason="legacy \\"daemon\\""
[Service]
ProtectSystem=strict
"""
# check id -> (reason, file, line)
EXPECTED = {"PrivateNetwork": ("serves clients on the LAN", "probe.service", 3)}
PREFIX = ("CapabilityBoundingSet_CAP_SYS_", ('legacy "daemon"', "probe.service.d/10-x.conf", 1))
PROBLEMS = [(7, "NoSuchCheck"), (8, "reason="), (9, "colour")]


def run(argv, cwd):
    return subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", default=os.environ.get("HARDNUT", os.path.join(REPO, "build", "dev", "hardnut")))
    args = ap.parse_args()
    tool = os.path.abspath(args.tool)
    if not os.access(tool, os.X_OK):
        missing("no hardnut binary at %s" % tool)
    if not shutil.which("systemd-analyze"):
        missing("systemd-analyze (package systemd) is needed")

    with tempfile.TemporaryDirectory() as tmp:
        unit = os.path.join(tmp, "probe.service")
        with open(unit, "w") as f:
            f.write(UNIT)
        os.mkdir(unit + ".d")
        with open(os.path.join(unit + ".d", "10-x.conf"), "w") as f:
            f.write(DROPIN)

        def expected(check_id):
            if check_id in EXPECTED:
                return EXPECTED[check_id]
            if check_id.startswith(PREFIX[0]):
                return PREFIX[1]
            return None

        # 1. Parity.
        for extra in ([], ["--json=short"]):
            a = run(["systemd-analyze", "security", "--offline=yes", "--no-pager", *extra, unit], tmp)
            b = run([tool, "security", "--offline=yes", "--no-pager", *extra, unit], tmp)
            check("%s: stdout, stderr and status as systemd-analyze" % (" ".join(extra) or "text"),
                  (a.stdout, a.stderr, a.returncode) == (b.stdout, b.stderr, b.returncode),
                  "systemd-analyze stderr %r\nhardnut stderr %r" % (a.stderr[-500:], b.stderr[-500:]))

        # 2. SARIF.
        p = run([tool, "security", "--offline=yes", "--format=sarif", unit], tmp)
        log = json.loads(p.stdout)
        res = log["runs"][0]["results"]
        wrong = []
        for r in res:
            want = expected(r["ruleId"])
            sup = r.get("suppressions")
            if want is None:
                if sup:
                    wrong.append("%s suppressed: %s" % (r["ruleId"], sup))
                continue
            loc = sup[0]["location"]["physicalLocation"] if sup else {}
            got = (sup[0]["justification"], loc["artifactLocation"]["uri"], loc["region"]["startLine"]) if sup else None
            if not sup or sup[0]["kind"] != "inSource" or got != want:
                wrong.append("%s: %s, want %s" % (r["ruleId"], got, want))
        n_sup = sum(1 for r in res if r.get("suppressions"))
        check("SARIF: exactly the suppressed checks (%d of %d results) carry the reason and the comment's line" %
              (n_sup, len(res)), n_sup >= 2 and not wrong, "\n".join(wrong))
        notes = [n["message"]["text"] for inv in log["runs"][0]["invocations"]
                 for n in inv.get("toolExecutionNotifications", [])]
        check("SARIF: the invalid suppressions are tool notifications (%d)" % len(notes), len(notes) == len(PROBLEMS),
              notes)

        # 3. Prometheus.
        p = run([tool, "security", "--offline=yes", "--format=prometheus", unit], tmp)
        failing = dict(re.findall(r'^hardnut_check_failing\{.*check="([^"]+)"\} (\d)$', p.stdout, re.M))
        suppressed = dict(re.findall(r'^hardnut_check_suppressed\{.*check="([^"]+)",reason="((?:[^"\\]|\\.)*)"\} 1$',
                                     p.stdout, re.M))
        wrong = ["%s: failing %s, suppressed %r" % (c, failing.get(c), suppressed.get(c))
                 for c in failing if (expected(c) is not None and c in suppressed) !=
                 (c in suppressed) or (c in suppressed and failing[c] != "0")]
        want_reasons = {c: expected(c)[0].replace('"', '\\"') for c in suppressed}
        check("Prometheus: %d suppressed checks are not failing, with their reasons" % len(suppressed),
              len(suppressed) >= 2 and "PrivateNetwork" in suppressed and not wrong and suppressed == want_reasons,
              "\n".join(wrong) + "\n%s" % suppressed)

        # 4. The scan document, and 5. the invalid ones.
        p = run([tool, "security", "--offline=yes", "--format=json", unit], tmp)
        doc = json.loads(p.stdout)
        u = doc["units"][0]
        wrong = []
        for c in u["checks"]:
            want = expected(c["id"]) if c["result"] == "fail" else None
            s = c.get("suppressed")
            got = (s["reason"], os.path.relpath(s["file"], tmp), s["line"]) if s else None
            if got != want:
                wrong.append("%s (%s): %s, want %s" % (c["id"], c["result"], got, want))
        check("scan document: `suppressed` on exactly the suppressed failed checks", not wrong, "\n".join(wrong))
        a = run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit], tmp)
        theirs = re.search(r"Overall exposure level for \S+: (\d+\.\d)", a.stdout)
        check("scan document: the exposure %s is systemd-analyze's %s" % (u["exposure"], theirs and theirs.group(1)),
              theirs and float(theirs.group(1)) == u["exposure"])
        lines = p.stderr.splitlines()
        wrong = [(line, word) for line, word in PROBLEMS
                 if not any(l.startswith("%s:%d: hardnut: " % (unit, line)) and word in l for l in lines)]
        check("invalid suppressions are reported on stderr with file and line", not wrong,
              "missing %s in:\n%s" % (wrong, p.stderr))
        check("... and suppress nothing",
              not any(c.get("suppressed") for c in u["checks"] if c["id"] in ("PrivateTmp", "PrivateUsers")))

    finish()


if __name__ == "__main__":
    main()
