#!/usr/bin/python3
"""Real client checks for the live hardening test: each speaks the service's
own protocol and exits non-zero unless the service answers correctly.

    probe.py http URL               GET, status 200
    probe.py redis PORT             PING -> +PONG
    probe.py memcached PORT         set/get a key, then stats
    probe.py banner PORT PREFIX     the greeting starts with PREFIX (ssh)
    probe.py syslog FILE            logger(1) a unique line, it shows up in FILE
"""
import socket
import subprocess
import sys
import time
import urllib.request
import uuid


def talk(port, payload, until, timeout=5):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=timeout) as s:
        if payload:
            s.sendall(payload)
        data = b""
        deadline = time.time() + timeout
        while until not in data and time.time() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data


def main(argv):
    kind = argv[1]
    if kind == "http":
        with urllib.request.urlopen(argv[2], timeout=5) as r:
            return 0 if r.status == 200 else 1
    if kind == "redis":
        return 0 if talk(argv[2], b"PING\r\n", b"\r\n").startswith(b"+PONG") else 1
    if kind == "memcached":
        key = uuid.uuid4().hex[:16]
        got = talk(argv[2], b"set %s 0 60 2\r\nok\r\nget %s\r\n" % (key.encode(), key.encode()), b"END\r\n")
        stats = talk(argv[2], b"stats\r\n", b"END\r\n")
        return 0 if b"VALUE " + key.encode() in got and b"STAT pid" in stats else 1
    if kind == "banner":
        return 0 if talk(argv[2], b"", b"\n").startswith(argv[3].encode()) else 1
    if kind == "syslog":
        tag = "hardnut-probe-" + uuid.uuid4().hex
        subprocess.run(["logger", tag], check=True)
        for _ in range(50):
            try:
                with open(argv[2], errors="replace") as f:
                    if tag in f.read():
                        return 0
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        return 1
    print("unknown probe " + kind, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # a refused connection is a failed check, said plainly
        print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
