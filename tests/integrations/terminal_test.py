#!/usr/bin/env python3
"""Colours and pager on a terminal, against the local systemd-analyze (issue 8).

Both tools run on a pseudo-terminal made by `script -qc CMD /dev/null`
(util-linux), with the same environment (env -i), and what reaches the
terminal must be byte-identical:

- colour decisions: SYSTEMD_COLORS=0/no, NO_COLOR (set, even empty),
  TERM=dumb, TERM unset, an invalid SYSTEMD_COLORS that falls back to
  NO_COLOR; stdout piped while stderr is the terminal (systemd wants both on
  a terminal); log lines end in "\\r\\n" when stderr is a terminal;
- the pager: SYSTEMD_PAGER/PAGER (split at blanks, no shell), "cat" and ""
  meaning none, --no-pager, SYSTEMD_LESS replacing LESS, LESSCHARSET,
  SYSTEMD_PAGERSECURE and LESSSECURE. The pager is a script that records
  its arguments, those variables and what it was given.

COLUMNS=250 keeps systemd's table from being cut to the terminal's width,
but in the NARROW cases, which check that cut;
the colour cases pass --no-pager (systemd would start less, which waits for
a key on the terminal).

Coloured output is compared too: bold, OSC 8 hyperlinks to the manual
and the unit file, grey empty cells, 16- and 256-colour modes.

Usage: tests/integrations/terminal_test.py [--tool build/dev/hardnut]
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

from outcome import check, finish, missing

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# (label, environment, stdout redirected to a file?, extra arguments)
MATCHES = [
    ("SYSTEMD_COLORS=0", "TERM=xterm SYSTEMD_COLORS=0", False, ["--no-pager"]),
    ("SYSTEMD_COLORS=no", "TERM=xterm SYSTEMD_COLORS=no", False, ["--no-pager"]),
    ("NO_COLOR=1", "TERM=xterm NO_COLOR=1", False, ["--no-pager"]),
    ("NO_COLOR set but empty", "TERM=xterm NO_COLOR=", False, ["--no-pager"]),
    ("invalid SYSTEMD_COLORS falls back to NO_COLOR", "TERM=xterm SYSTEMD_COLORS=bogus NO_COLOR=1", False, ["--no-pager"]),
    ("TERM=dumb", "TERM=dumb", False, ["--no-pager"]),
    ("TERM unset", "", False, ["--no-pager"]),
    ("stdout piped, stderr on the terminal", "TERM=xterm", True, ["--no-pager"]),
    ("SYSTEMD_COLORS=0 piped", "SYSTEMD_COLORS=0 TERM=xterm", True, ["--no-pager"]),
    ("table cut to the terminal's width (80 on script's pty)", "NARROW TERM=dumb", False, ["--no-pager"]),
    ("table cut to COLUMNS=100", "NARROW TERM=dumb COLUMNS=100", False, ["--no-pager"]),
]
# Coloured tables, on a unit without warnings: hardnut does not colour its
# stderr warnings by log level as systemd does (a known gap, README).
COLOURED = [
    ("colours on a terminal", "TERM=xterm", False, ["--no-pager"]),
    ("colours cut to COLUMNS=100", "NARROW TERM=xterm COLUMNS=100", False, ["--no-pager"]),
    ("SYSTEMD_COLORS=1 piped", "SYSTEMD_COLORS=1 TERM=xterm", True, ["--no-pager"]),
    ("SYSTEMD_COLORS=16 piped", "SYSTEMD_COLORS=16 TERM=xterm", True, ["--no-pager"]),
    ("SYSTEMD_URLIFY=0", "SYSTEMD_COLORS=1 SYSTEMD_URLIFY=0 TERM=xterm", True, ["--no-pager"]),
]
PAGERS = [
    ("SYSTEMD_PAGER, trusted", "SYSTEMD_PAGERSECURE=0 SYSTEMD_PAGER={pager}", []),
    ("PAGER with arguments, SYSTEMD_LESS replaces LESS",
     "SYSTEMD_PAGERSECURE=0 LESS=-N SYSTEMD_LESS=XR PAGER='{pager} a b'", []),
    ("SYSTEMD_PAGER wins over PAGER", "SYSTEMD_PAGERSECURE=0 SYSTEMD_PAGER={pager} PAGER=false", []),
    ("secure mode sets LESSSECURE", "SYSTEMD_PAGERSECURE=1 PAGER={pager}", []),
    ("SYSTEMD_LESSCHARSET", "SYSTEMD_PAGERSECURE=0 SYSTEMD_LESSCHARSET=latin1 PAGER={pager}", []),
    ("SYSTEMD_PAGER=cat: no pager", "SYSTEMD_PAGERSECURE=0 SYSTEMD_PAGER=cat PAGER={pager}", []),
    ("SYSTEMD_PAGER empty: no pager", "SYSTEMD_PAGERSECURE=0 SYSTEMD_PAGER= PAGER={pager}", []),
    ("--no-pager", "SYSTEMD_PAGERSECURE=0 SYSTEMD_PAGER={pager}", ["--no-pager"]),
]
PAGER_SCRIPT = """#!/bin/sh
{ echo "ARGS=$*"; for v in LESS LESSCHARSET LESSSECURE; do eval "echo $v=\\${$v-unset}"; done; cat; } > "$PAGER_OUT"
"""


def on_pty(tool, env, piped, extra, unit, tmp, pager_out=None):
    """What reaches the terminal, what went to the pipe, what the pager got."""
    out_file = os.path.join(tmp, "stdout")
    for f in (out_file, pager_out):
        if f and os.path.exists(f):
            os.unlink(f)
    if env.startswith("NARROW "):  # the terminal's own width (80 on script's pty)
        env = env[len("NARROW "):]
    else:
        env = "COLUMNS=250 " + env
    cmd = "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin %s %s security --offline=yes %s %s" % (
        env, shlex.quote(tool), " ".join(extra), shlex.quote(unit))
    if pager_out:
        cmd = cmd.replace("env -i ", "env -i PAGER_OUT=%s " % shlex.quote(pager_out), 1)
    if piped:
        cmd += " > " + shlex.quote(out_file)
    p = subprocess.run(["script", "-qc", cmd, "/dev/null"], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    piped_out = open(out_file, "rb").read() if piped else b""
    paged = open(pager_out, "rb").read() if pager_out and os.path.exists(pager_out) else b"(no pager)"
    return p.stdout, piped_out, paged


def same(tool, case, unit, tmp, pager=None):
    label, env, piped, extra = case
    if pager:
        env = env.format(pager=shlex.quote(pager))
    out = os.path.join(tmp, "paged") if pager else None
    a = on_pty("systemd-analyze", env, piped, extra, unit, tmp, out)
    b = on_pty(tool, env, piped, extra, unit, tmp, out)
    detail = ""
    for name, x, y in zip(("terminal", "pipe", "pager"), a, b):
        if x != y:
            detail += "%s differs:\n  systemd-analyze: %r\n  hardnut:         %r\n" % (name, x[:400], y[:400])
    return a == b, detail, a


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", default=os.environ.get("HARDNUT", os.path.join(REPO, "build", "dev", "hardnut")))
    args = ap.parse_args()
    tool = os.path.abspath(args.tool)
    if not os.access(tool, os.X_OK):
        missing("no hardnut binary at %s" % tool)
    for program, package in (("systemd-analyze", "systemd"), ("script", "bsdutils")):
        if not shutil.which(program):
            missing("%s is needed (apt-get install %s)" % (program, package))

    with tempfile.TemporaryDirectory() as tmp:
        unit = os.path.join(tmp, "probe.service")
        with open(unit, "w") as f:
            # User=nobody makes systemd warn on stderr.
            f.write("[Service]\nExecStart=/bin/true\nUser=nobody\nPrivateNetwork=yes\n")
        pager = os.path.join(tmp, "pager.sh")
        with open(pager, "w") as f:
            f.write(PAGER_SCRIPT)
        os.chmod(pager, 0o755)

        for case in MATCHES:
            ok, detail, got = same(tool, case, unit, tmp)
            has_crlf = b"this is not safe!\r\r\n" in got[0]
            check("%s: byte-identical%s" % (case[0], " (stderr lines end in \\r\\n)" if has_crlf else ""), ok,
                  detail)
        clean = os.path.join(tmp, "clean.service")
        with open(clean, "w") as f:
            f.write("[Service]\nExecStart=/bin/true\nDynamicUser=yes\nPrivateTmp=yes\n")
        for case in COLOURED:
            ok, detail, _ = same(tool, case, clean, tmp)
            check("%s: byte-identical" % case[0], ok, detail)
        for label, env, extra in PAGERS:
            # A pager needs TERM (and both streams on the terminal).
            env = "TERM=xterm SYSTEMD_COLORS=0 " + env
            ok, detail, got = same(tool, (label, env, False, extra), unit, tmp, pager)
            check("pager, %s: byte-identical (%s)" % (label, got[2].split(b"\n")[0].decode(errors="replace")),
                  ok, detail)
        # The user's pager is not run in secure mode unless trusted: then
        # systemd starts less, which would wait for a key; not run here.


    finish()


if __name__ == "__main__":
    main()
