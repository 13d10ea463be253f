#!/usr/bin/python3
"""The in-system half of tests/harden/live_acceptance.py: runs inside the
booted test system (as /usr/local/bin/hardnut-live-inside), so that one
`live-systemd exec` does a whole step of a case, and prints its result as one
JSON document on stdout. Python 3 standard library only.

    inside.py prepare UNIT PROBE WAIT       remove hardnut's drop-in, reload, restart,
                                            wait for the probe; exposure, ExecReload=,
                                            journal cursor
    inside.py finish UNIT PROBE WAIT CURSOR exposure; then restart the unit once more,
                                            wait for the probe, check it stays up; the
                                            unit's journal since CURSOR and since that
                                            restart
    inside.py selftest UNIT PROBE WAIT      the probe must fail with the unit (and what
                                            triggers it) stopped; then start it again;
                                            does it survive its own ExecReload=?
    inside.py restart UNIT PROBE WAIT       reload, restart, wait for the probe
    inside.py journal UNIT                  the unit's whole journal
"""
import json
import os
import re
import subprocess
import sys
import time


def run(*cmd, timeout=300):
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)


def prop(unit, name):
    return run("systemctl", "show", "-p", name, "--value", unit).stdout.strip()


def exposure(unit):
    r = run("systemd-analyze", "security", "--no-pager", unit)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d)", r.stdout)
    return float(m.group(1)) if m else None


def cursor():
    out = run("journalctl", "-q", "-n", "1", "-o", "json").stdout.splitlines()
    try:
        return json.loads(out[-1])["__CURSOR"]
    except (IndexError, ValueError, KeyError):
        return None


def journal(unit, after=None):
    args = ["journalctl", "-q", "--no-pager", "-o", "json", "-u", unit]
    if after:
        args.append("--after-cursor=" + after)
    lines = []
    for row in run(*args, timeout=120).stdout.splitlines():
        try:
            msg = json.loads(row).get("MESSAGE", "")
        except ValueError:
            continue
        if isinstance(msg, list):  # not UTF-8: journalctl gives the bytes
            msg = bytes(msg).decode("utf-8", "replace")
        lines.append(msg or "")
    return lines


def restart(unit):
    run("systemctl", "reset-failed", unit)
    return run("systemctl", "restart", unit)


def probe_until(unit, probe, seconds):
    """Waits until the unit is active and the probe passes: (ok, why)."""
    deadline = time.time() + seconds
    while True:
        state = run("systemctl", "is-active", unit).stdout.strip()
        if state == "active":
            r = run("/bin/sh", "-c", probe, timeout=60)
            if r.returncode == 0:
                return True, ""
            why = (r.stdout + r.stderr).strip()
        else:
            why = "the unit is " + (state or "unknown")
        if time.time() > deadline:
            return False, why
        time.sleep(0.5)


def prepare(unit, probe, wait, keep=False):
    d = "/etc/systemd/system/%s.d" % unit
    for f in ("50-hardnut.conf", "50-hardnut.conf.bak"):
        if not keep and os.path.exists(os.path.join(d, f)):
            os.unlink(os.path.join(d, f))
    run("systemctl", "daemon-reload")
    restart(unit)
    ok, why = probe_until(unit, probe, float(wait))
    return {"ok": ok, "why": why, "before": exposure(unit),
            "reload_defined": bool(prop(unit, "ExecReload")), "cursor": cursor()}


def finish(unit, probe, wait, since):
    after = exposure(unit)
    restart_cursor = cursor()
    restarts0 = prop(unit, "NRestarts")
    r = restart(unit)
    ok, why = probe_until(unit, probe, float(wait))
    time.sleep(0.5)
    restarts1, state = prop(unit, "NRestarts"), prop(unit, "ActiveState")
    return {"after": after, "restart_rc": r.returncode,
            "restart_output": (r.stdout + r.stderr).strip(), "probe": ok, "probe_detail": why,
            "stable": restarts0 == restarts1 and state == "active",
            "restarts": [restarts0, restarts1], "state": state,
            "since_change": journal(unit, since) if since else journal(unit),
            "since_restart": journal(unit, restart_cursor) if restart_cursor else journal(unit)}


def selftest(unit, probe, wait):
    triggers = prop(unit, "TriggeredBy").split()
    run("systemctl", "stop", unit, *triggers)
    r = run("/bin/sh", "-c", probe, timeout=60)
    if triggers:
        run("systemctl", "start", *triggers)
    restart(unit)
    ok, why = probe_until(unit, probe, float(wait))
    survives_reload = None
    if ok and prop(unit, "ExecReload"):
        # Does the package's own reload keep it running (without hardening)?
        run("systemctl", "reload", unit)
        time.sleep(2)
        survives_reload = run("systemctl", "is-active", unit).stdout.strip() == "active"
        restart(unit)
        ok, why = probe_until(unit, probe, float(wait))
    return {"probe_when_stopped": r.returncode, "stopped_detail": (r.stdout + r.stderr).strip(),
            "triggers": triggers, "ok_again": ok, "why": why, "survives_reload": survives_reload}


def main(argv):
    verb, args = argv[1], argv[2:]
    if verb == "prepare":
        result = prepare(*args)
    elif verb == "finish":
        result = finish(*args)
    elif verb == "restart":
        result = prepare(*args, keep=True)
    elif verb == "selftest":
        result = selftest(*args)
    elif verb == "journal":
        result = journal(args[0])
    else:
        print("unknown verb " + verb, file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
