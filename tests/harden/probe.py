#!/usr/bin/python3
"""Functional probes of the real-daemon suite (tests/harden/live_acceptance.py).

Each one does what a user of the service would do, speaking its own protocol
(or running its own client), and exits 0 only when the service answered
correctly; otherwise it says what it saw on stderr and exits 1. Python 3
standard library only; runs inside the booted test system.

    probe.py http URL                        GET, status 200
    probe.py redis PORT                      PING -> +PONG, SET then GET a random key
    probe.py memcached PORT                  set then get a random key, stats
    probe.py psql                            `select 1` with psql as the postgres user
    probe.py mariadb                         `select 1` with the mariadb client (root, socket)
    probe.py ssh PORT                        ssh-keyscan: a key exchange that returns a host key
    probe.py dns SERVER PORT NAME ADDRESS    an A query for NAME is answered with ADDRESS
    probe.py smtp PORT                       the 220 greeting, then EHLO answered 250
    probe.py syslog FILE                     logger(1) a unique line; it arrives in FILE
    probe.py chrony                          `chronyc -n tracking` succeeds
    probe.py cups PORT                       an IPP request over HTTP to PORT, and `lpstat -r`
    probe.py proxy PORT                      GET through the HTTP proxy to a server this
                                             probe runs itself on an ephemeral port
    probe.py banner PORT PREFIX              the greeting starts with PREFIX
"""
import http.server
import random
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import uuid


class ProbeFailed(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise ProbeFailed(what)


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


def run(cmd, timeout=15):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    expect(r.returncode == 0, "%s exited %d: %s%s" % (" ".join(cmd), r.returncode,
                                                      r.stdout[-500:], r.stderr[-500:]))
    return r.stdout


def http_get(url, opener=None, timeout=8):  # url: a string or a Request
    opener = opener or urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as r:
        body = r.read()
        expect(r.status == 200, "%s: status %d" % (getattr(url, "full_url", url), r.status))
        return body


def probe_redis(port):
    key = "hardnut-" + uuid.uuid4().hex[:12]
    value = uuid.uuid4().hex
    got = talk(port, b"PING\r\nSET %s %s\r\nGET %s\r\n" % (key.encode(), value.encode(), key.encode()),
               value.encode() + b"\r\n")
    expect(got.startswith(b"+PONG\r\n+OK\r\n"), "PING/SET answered %r" % got[:200])
    expect(b"$%d\r\n%s\r\n" % (len(value), value.encode()) in got, "GET answered %r" % got[:200])


def probe_memcached(port):
    key = uuid.uuid4().hex[:16].encode()
    got = talk(port, b"set %s 0 60 2\r\nok\r\nget %s\r\n" % (key, key), b"END\r\n")
    expect(b"STORED\r\n" in got and b"VALUE " + key + b" 0 2\r\nok\r\n" in got,
           "set/get answered %r" % got[:200])
    stats = talk(port, b"stats\r\n", b"END\r\n")
    expect(b"STAT pid" in stats, "stats answered %r" % stats[:200])


def probe_sql(cmd):
    out = run(cmd)
    expect(out.strip() == "1", "select 1 returned %r" % out[:200])


def probe_ssh(port):
    out = run(["ssh-keyscan", "-T", "5", "-p", str(port), "127.0.0.1"])
    keys = [l for l in out.splitlines() if l and not l.startswith("#")]
    expect(any(" ssh-" in l or " ecdsa-" in l for l in keys), "no host key: %r" % out[:300])


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"


def skip_name(msg, i):
    while True:
        n = msg[i]
        if n == 0:
            return i + 1
        if n & 0xC0 == 0xC0:  # compression pointer
            return i + 2
        i += n + 1


def probe_dns(server, port, name, address):
    qid = random.randrange(65536)
    query = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack(">HH", 1, 1)
    last = "no answer"
    for _ in range(3):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            s.sendto(query, (server, int(port)))
            try:
                msg, _ = s.recvfrom(4096)
            except socket.timeout:
                last = "timed out"
                continue
        rid, flags, qd, an, _, _ = struct.unpack(">HHHHHH", msg[:12])
        expect(rid == qid, "answer id %d for query %d" % (rid, qid))
        expect(flags & 0x8000 and flags & 0xF == 0, "rcode %d (flags %#x)" % (flags & 0xF, flags))
        i = 12
        for _ in range(qd):
            i = skip_name(msg, i) + 4
        found = []
        for _ in range(an):
            i = skip_name(msg, i)
            rtype, _, _, rdlen = struct.unpack(">HHIH", msg[i:i + 10])
            i += 10
            if rtype == 1 and rdlen == 4:
                found.append(socket.inet_ntoa(msg[i:i + 4]))
            i += rdlen
        expect(address in found, "%s answered %s, expected %s" % (name, found, address))
        return
    raise ProbeFailed("DNS %s:%s: %s" % (server, port, last))


def probe_smtp(port):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=8) as s:
        f = s.makefile("rb")
        greeting = f.readline()
        expect(greeting.startswith(b"220"), "greeting %r" % greeting)
        s.sendall(b"EHLO probe.hardnut.test\r\n")
        lines = []
        while True:
            line = f.readline()
            lines.append(line)
            expect(line[:3] == b"250", "EHLO answered %r" % b"".join(lines)[:300])
            if line[3:4] != b"-":
                break
        s.sendall(b"QUIT\r\n")


def probe_syslog(path):
    tag = "hardnut-probe-" + uuid.uuid4().hex
    run(["logger", "-p", "user.notice", tag])
    for _ in range(80):
        try:
            with open(path, errors="replace") as f:
                if tag in f.read():
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    raise ProbeFailed("the line %s did not arrive in %s within 8 s" % (tag, path))


def probe_chrony():
    out = run(["chronyc", "-n", "tracking"])
    expect("Reference ID" in out, "chronyc tracking printed %r" % out[:300])


def ipp_attribute(tag, name, value):
    return (bytes([tag]) + struct.pack(">H", len(name)) + name.encode()
            + struct.pack(">H", len(value)) + value.encode())


def probe_cups(port):
    # An IPP CUPS-Get-Printers request over HTTP (cups-daemon has no web
    # pages to GET): an IPP answer to our request id, successful or
    # "not found" (no printer is configured).
    rid = random.randrange(1, 1 << 31)
    body = (struct.pack(">BBHI", 2, 0, 0x4002, rid) + b"\x01"
            + ipp_attribute(0x47, "attributes-charset", "utf-8")
            + ipp_attribute(0x48, "attributes-natural-language", "en") + b"\x03")
    req = urllib.request.Request("http://127.0.0.1:%s/" % port, data=body,
                                 headers={"Content-Type": "application/ipp"})
    answer = http_get(req)
    expect(len(answer) >= 8, "IPP answer %r" % answer[:50])
    status, got_rid = struct.unpack(">HI", answer[2:8])
    expect(got_rid == rid and (status < 0x0100 or status == 0x0406),
           "IPP status %#06x for request %d (answer to %d)" % (status, rid, got_rid))
    out = run(["lpstat", "-r"])
    expect("scheduler is running" in out, "lpstat -r printed %r" % out[:200])


def probe_proxy(port):
    token = uuid.uuid4().hex.encode()

    class Origin(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(token)))
            self.end_headers()
            self.wfile.write(token)

        def log_message(self, *args):
            pass

    origin = http.server.HTTPServer(("127.0.0.1", 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    try:
        proxy = "http://127.0.0.1:%s" % port
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
        body = http_get("http://127.0.0.1:%d/%s" % (origin.server_address[1], uuid.uuid4().hex),
                        opener)
        expect(body == token, "the proxy returned %r, not the origin's page" % body[:200])
    finally:
        origin.shutdown()


def main(argv):
    kind, args = argv[1], argv[2:]
    if kind == "http":
        http_get(args[0])
    elif kind == "redis":
        probe_redis(args[0])
    elif kind == "memcached":
        probe_memcached(args[0])
    elif kind == "psql":
        probe_sql(["runuser", "-u", "postgres", "--", "psql", "-X", "-A", "-t", "-c", "select 1"])
    elif kind == "mariadb":
        probe_sql(["mariadb", "-u", "root", "-N", "-B", "-e", "select 1"])
    elif kind == "ssh":
        probe_ssh(args[0])
    elif kind == "dns":
        probe_dns(*args[:4])
    elif kind == "smtp":
        probe_smtp(args[0])
    elif kind == "syslog":
        probe_syslog(args[0])
    elif kind == "chrony":
        probe_chrony()
    elif kind == "cups":
        probe_cups(args[0])
    elif kind == "proxy":
        probe_proxy(args[0])
    elif kind == "banner":
        got = talk(args[0], b"", b"\n")
        expect(got.startswith(args[1].encode()), "greeting %r" % got[:200])
    else:
        print("unknown probe " + kind, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # a refused connection is a failed probe, said plainly
        print("probe %s: %s: %s" % (" ".join(sys.argv[1:]), type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
