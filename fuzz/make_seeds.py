#!/usr/bin/env python3
"""Regenerates the committed seed corpora in fuzz/corpus/<target>/.

Real units come from ../shared/corpus/units (read-only, Debian 12 packages);
the rest are hand-made edge cases. Deterministic: the same corpus gives the
same seeds. Usage: fuzz/make_seeds.py [--shared DIR]
"""
import argparse
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
SEP = b"\n-----\n"  # part separator of the load target (fuzz_load.cc)

# Check fields of systemd 252 (json_field of the 81 checks, deduplicated).
FIELDS = [
    "RootDirectoryOrRootImage", "SupplementaryGroups", "RemoveIPC", "UserOrDynamicUser",
    "CapabilityBoundingSet", "AmbientCapabilities", "NoNewPrivileges", "PrivateTmp",
    "PrivateDevices", "ProtectSystem", "ProtectHome", "PrivateNetwork", "PrivateUsers",
    "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectClock",
    "ProtectControlGroups", "ProtectHostname", "ProtectProc", "ProcSubset",
    "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID",
    "MemoryDenyWriteExecute", "LockPersonality", "SystemCallArchitectures", "SystemCallFilter",
    "IPAddressDeny", "DeviceAllow", "KeyringMode", "NotifyAccess", "UMask", "Delegate",
]


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def real_units(shared):
    """About three dozen real units: every socket, templates, drop-ins, and
    services picked evenly across the packages."""
    root = os.path.join(shared, "corpus", "units")
    services, templates, sockets, dropins = [], [], [], []
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            if dirpath.endswith(".d"):
                dropins.append(p)
            elif f.endswith(".socket"):
                sockets.append(p)
            elif "@." in f:
                templates.append(p)
            elif f.endswith(".service"):
                services.append(p)
    pick = lambda xs, n: xs[:: max(1, len(xs) // n)][:n]
    return pick(services, 20), pick(templates, 6), pick(sockets, 6), dropins


EDGE_UNITS = {
    "empty": b"",
    "only-comments": b"# a comment\n; another\n   # indented\n",
    "bom": b"\xef\xbb\xbf[Service]\nExecStart=/bin/true\n",
    "bom-second-line": b"[Service]\n\xef\xbb\xbfExecStart=/bin/true\n\xef\xbb\xbfUser=x\n",
    "bom-comment": b"\xef\xbb\xbf# not a comment\n[Service]\nExecStart=/bin/true\n",
    "crlf": b"[Service]\r\nExecStart=/bin/true\r\nUser=nobody\r\n",
    "cr-only": b"[Service]\rExecStart=/bin/true\rUser=nobody\r",
    "mixed-eol": b"[Service]\n\r\r\nExecStart=/bin/true\r\n\n\rUser=a\n\0\0PrivateTmp=yes",
    "nul-bytes": b"[Service]\nExecStart=/bin/true\0User=foo\0\0\0PrivateTmp=yes\n",
    "binary": bytes(range(256)) * 2,
    "invalid-utf8-value": b"[Service]\nExecStart=/bin/true\nDescription=\xff\xfe\xc3\n",
    "invalid-utf8-section": b"[Serv\xffice]\nExecStart=/bin/true\n",
    "overlong-utf8": b"[Service]\nExecStart=/bin/\xc0\xaftrue\nUser=\xed\xa0\x80\n",
    "continuation": b"[Service]\nExecStart=/bin/echo a \\\n  b \\\n# comment inside\n  c\nUser=\\\n",
    "continuation-eof": b"[Service]\nExecStart=/bin/true\nUser=a\\",
    "continuation-escaped": b"[Service]\nExecStart=/bin/echo \\\\\nUser=x\\\\\\\nfoo\n",
    "section-unterminated": b"[Service\nExecStart=/bin/true\n",
    "section-empty": b"[]\nA=b\n[Service]\nExecStart=/bin/true\n",
    "section-bad-chars": b"[Serv'ice]\nExecStart=/bin/true\n",
    "section-x": b"[X-Foo]\nA=b\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=x\n",
    "section-unknown": b"[Foo]\nA=b\n[Service]\nExecStart=/bin/true\n",
    "assignment-outside": b"A=b\n[Service]\nExecStart=/bin/true\n",
    "missing-eq": b"[Service]\nExecStart=/bin/true\nUser\n=x\n  =  \n",
    "long-line": b"[Service]\nExecStart=/bin/true\nEnvironment=A=" + b"x" * 60000 + b"\n",
    "many-lines": b"[Service]\nExecStart=/bin/true\n" + b"Environment=A=b\n" * 3000,
    "specifiers": b"[Unit]\nDescription=%n %N %p %P %i %I %f %j %J %y %Y %u %U %h %s %t %S %C %L %E %T %V %%\n"
    b"[Service]\nExecStart=/bin/echo %i %%i %\nUser=%i\nRootDirectory=/srv/%p\nWorkingDirectory=%h\n",
    "hardened": b"[Service]\nExecStart=/usr/bin/x\nDynamicUser=yes\nPrivateDevices=yes\nPrivateNetwork=yes\n"
    b"ProtectSystem=strict\nProtectHome=yes\nCapabilityBoundingSet=\nRestrictAddressFamilies=AF_UNIX\n"
    b"SystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\n"
    b"SystemCallArchitectures=native\nRestrictNamespaces=yes\nIPAddressDeny=any\nUMask=0077\n"
    b"DeviceAllow=/dev/null rw\nMemoryDenyWriteExecute=yes\nLockPersonality=yes\nProtectProc=invisible\n",
    "resets": b"[Service]\nExecStart=/bin/true\nExecStart=\nExecStart=/bin/false\nCapabilityBoundingSet=~CAP_SYS_ADMIN\n"
    b"CapabilityBoundingSet=\nRestrictAddressFamilies=~AF_INET\nRestrictAddressFamilies=\nSystemCallFilter=\n",
    "socket": b"[Socket]\nListenStream=0.0.0.0:80\nListenDatagram=/run/x.sock\nAccept=no\nService=fuzz.service\n",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    a = ap.parse_args()
    for t in ("lex", "load", "policy", "cli"):
        shutil.rmtree(os.path.join(HERE, "corpus", t), ignore_errors=True)

    services, templates, sockets, dropins = real_units(a.shared)
    read = lambda p: open(p, "rb").read()
    base = lambda p: os.path.basename(p).replace("@", "_at_")

    # lex: raw unit files.
    for p in services + templates + sockets + dropins:
        write("lex", "real-" + base(os.path.dirname(p)) + "-" + base(p), read(p))
    for name, data in EDGE_UNITS.items():
        write("lex", "edge-" + name, data)

    # load: selector byte + fragment [+ SEP + drop-in [+ SEP + --set lines [+ SEP + extra]]].
    for i, p in enumerate(services):
        write("load", "real-" + base(p), bytes([(i % 4) << 3]) + read(p))
    for i, p in enumerate(templates):
        write("load", "real-" + base(p), bytes([1 if i % 2 else 5]) + read(p))
    for p in sockets:
        sock = read(p)
        svc = os.path.join(os.path.dirname(p), os.path.basename(p)[:-7] + ".service")
        extra = read(svc) if os.path.exists(svc) else b"[Service]\nExecStart=/bin/true\n"
        write("load", "real-" + base(p), bytes([2]) + sock + SEP + b"[Socket]\n" + SEP + SEP + extra)
    for i, p in enumerate(dropins):
        write("load", "real-dropin-" + base(p),
              bytes([0]) + read(services[i]) + SEP + read(p))
    for i, (name, data) in enumerate(sorted(EDGE_UNITS.items())):
        sel = [0, 1, 3, 4, 5, 6, 7, 0x40, 0x80, 0x20 | 8][i % 10]
        write("load", "edge-" + name, bytes([sel]) + data)
    write("load", "edge-dropin-overrides", bytes([0x28]) +
          b"[Service]\nExecStart=/bin/true\n" + SEP +
          b"[Service]\nUser=nobody\nPrivateTmp=yes\nExecStart=\nExecStart=/bin/x %n\n" + SEP +
          b"ProtectSystem=strict\nNoNewPrivileges=yes\n" + SEP +
          b"[Service]\nProtectHome=yes\n")
    write("load", "edge-dropin-fatal", bytes([0x08]) +
          b"[Service]\nExecStart=/bin/true\n" + SEP + b"[Service]\nUser=a\n[Broken\nUser=b\n")
    write("load", "edge-user-scope", bytes([0x40]) +
          b"[Service]\nExecStart=/bin/true\nPrivateUsers=yes\nWorkingDirectory=%h\nUser=%u\n")
    write("load", "edge-socket-accept", bytes([2]) +
          b"[Socket]\nListenStream=80\nAccept=yes\n" + SEP + b"" + SEP + SEP +
          b"[Service]\nExecStart=/bin/true\n")
    write("load", "edge-bad-set", bytes([0x20]) + b"[Service]\nExecStart=/bin/true\n" + SEP + SEP +
          b"User=\xff\n[Unit]\nNoSuchKey=1\n=x\nPrivateTmp\n")

    # policy: JSON documents.
    full = {f: {"weight": 1000 + 17 * i, "range": 1 + i % 7,
                "description_good": "good " + f, "description_bad": "bad \u00e9 " + f,
                "description_na": "n/a " + f} for i, f in enumerate(FIELDS)}
    policies = {
        "full": json.dumps(full, indent=2),
        "empty-object": "{}",
        "empty": "",
        "not-json": "weight = 3\n",
        "truncated": '{"PrivateTmp": {"weight": 3',
        "array": "[1, 2, 3]",
        "string": '"PrivateTmp"',
        "null": "null",
        "unknown-keys": '{"NoSuchCheck": {"weight": 5}, "PrivateTmp": {"colour": "red", "weight": 5}}',
        "wrong-types": '{"PrivateTmp": {"weight": "5", "range": true, "description_good": 7}, "PrivateDevices": []}',
        "out-of-range": '{"PrivateTmp": {"weight": -1, "range": 4294967296}, "ProtectHome": {"weight": 1e300}}',
        "zero-range": '{"PrivateTmp": {"range": 0}}',
        "range-below-badness": '{"ProtectSystem": {"range": 1}}',
        "zero-weights": json.dumps({f: {"weight": 0} for f in FIELDS}),
        "huge-weights": json.dumps({f: {"weight": 4294967295, "range": 4294967295} for f in FIELDS}),
        "floats": '{"PrivateTmp": {"weight": 2.0, "range": 1.5}, "PrivateDevices": {"weight": -0.0}}',
        "duplicate-keys": '{"PrivateTmp": {"weight": 1}, "PrivateTmp": {"weight": 2000}}',
        "deep-nesting": "[" * 5000 + "]" * 5000,
        "invalid-utf8": b'{"PrivateTmp": {"description_bad": "\xff\xfe"}}',
        "escapes": '{"PrivateTmp": {"description_bad": "tab\\there\\u0000nul\\ud83d\\ude00 \\n"}}',
        "bom": b'\xef\xbb\xbf{"PrivateTmp": {"weight": 5}}',
        "long-description": json.dumps({"PrivateTmp": {"description_bad": "x" * 20000}}),
        "trailing-garbage": '{"PrivateTmp": {"weight": 5}} x',
        "comments": '{/* c */ "PrivateTmp": {"weight": 5}}',
        # 64-bit weights wrap as in systemd; numbers beyond a double are ignored.
        "wrapping-weights": '{"PrivateTmp": {"weight": 18446744073709551615}, '
                            '"PrivateDevices": {"weight": 1e19, "range": 1e400}, '
                            '"ProtectHome": {"weight": -1e400}}',
    }
    for name, text in policies.items():
        write("policy", name, text)

    # cli: argv after "hardnut", NUL-separated (run in the fixture of fuzz_cli_fixture.h).
    argvs = {
        "file": ["security", "--offline=yes", "a.service"],
        "name": ["security", "--offline=yes", "--no-pager", "a.service", "s.socket"],
        "template": ["security", "--offline=yes", "t@.service", "t@x-y.service"],
        "root": ["security", "--offline=yes", "--root=root", "r.service", "l.service"],
        "root-missing": ["security", "--offline=yes", "--root=nonexistent", "r.service"],
        "user": ["security", "--offline=yes", "--user", "a.service"],
        "threshold": ["security", "--offline=yes", "--threshold=50", "a.service"],
        "threshold-bad": ["security", "--offline=yes", "--threshold=abc", "a.service"],
        "threshold-neg": ["security", "--offline=yes", "--threshold=-1", "a.service"],
        "threshold-big": ["security", "--offline=yes", "--threshold=18446744073709551617", "a.service"],
        "json": ["security", "--offline=yes", "--json=pretty", "a.service"],
        "json-short": ["security", "--offline=yes", "--json=short", "a.service"],
        "json-bad": ["security", "--offline=yes", "--json=xml", "a.service"],
        "json-help": ["security", "--json=help"],
        "policy": ["security", "--offline=yes", "--security-policy=policy.json", "a.service"],
        "policy-bad": ["security", "--offline=yes", "--security-policy=bad.json", "a.service"],
        "policy-zero": ["security", "--offline=yes", "--security-policy=zero.json", "a.service"],
        "policy-missing": ["security", "--offline=yes", "--security-policy=nope.json", "a.service"],
        "policy-dir": ["security", "--offline=yes", "--security-policy=path", "a.service"],
        "set": ["security", "--offline=yes", "--set", "User=nobody", "--set=PrivateTmp=no", "a.service"],
        "set-bad": ["security", "--offline=yes", "--set", "\xff=", "--set", "[Unit]", "a.service"],
        "offline-no": ["security", "--offline=no", "a.service"],
        "offline-bad": ["security", "--offline=maybe", "a.service"],
        "offline-bare": ["security", "--offline", "a.service"],
        "no-units": ["security", "--offline=yes"],
        "no-suffix": ["security", "--offline=yes", "noext"],
        "bad-type": ["security", "--offline=yes", "a.nosuchtype"],
        "long-name": ["security", "--offline=yes", "x" * 300 + ".service"],
        "help": ["--help"],
        "version": ["--version"],
        "nothing": [],
        "unknown-option": ["security", "--frobnicate", "a.service"],
        "unknown-command": ["frobnicate"],
        "double-dash": ["security", "--offline=yes", "--", "--root=x.service"],
        # "--name=" with an empty value, and strtoul's number syntax.
        "empty-values": ["security", "--offline=yes", "--threshold=", "--json=", "a.service"],
        "empty-root": ["security", "--offline=yes", "--root=", "a.service"],
        "threshold-hex": ["security", "--offline=yes", "--threshold=0x5f", "a.service"],
        "threshold-octal": ["security", "--offline=yes", "--threshold= 0137", "a.service"],
    }
    for name, args in argvs.items():
        write("cli", name, "\0".join(args).encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
