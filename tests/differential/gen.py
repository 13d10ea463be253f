#!/usr/bin/env python3
"""Deterministic random generator of unit-file test cases for differential testing.

A *case* is a small directory (unit files, drop-in directories, sometimes symlinks)
plus the arguments to pass after ``security --offline=yes --no-pager``.  Case number
``i`` of seed ``S`` is always the same (its RNG is seeded with "S:i"), independent of
how many cases are generated, so a failing case can be regenerated alone:

    gen.py --seed 1 --first 417 --cases 1 --out /tmp/c      # just case 417
    gen.py --seed 1 --cases 2000 --stats                     # directive coverage

Used as a module by run.py (``generate_case(seed, index)`` / ``write_case(case, dir)``).
Python 3 standard library only.
"""

import argparse
import collections
import json
import os
import random
import signal
import sys

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"]
# capabilities the assessment looks at most (weighted picks)
HOT_CAPS = ["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID",
            "CAP_SYS_PTRACE", "CAP_SYS_TIME", "CAP_SYS_RAWIO", "CAP_MKNOD", "CAP_SYS_MODULE",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_BPF"]

SYSCALL_GROUPS = ["@default", "@aio", "@basic-io", "@chown", "@clock", "@cpu-emulation", "@debug",
                  "@file-system", "@io-event", "@ipc", "@keyring", "@memlock", "@module", "@mount",
                  "@network-io", "@obsolete", "@pkey", "@privileged", "@process", "@raw-io",
                  "@reboot", "@resources", "@setuid", "@signal", "@swap", "@sync",
                  "@system-service", "@timer", "@known"]
ASSESSED_GROUPS = ["@swap", "@obsolete", "@clock", "@cpu-emulation", "@debug", "@mount",
                   "@module", "@raw-io", "@reboot", "@privileged", "@resources"]
SYSCALLS = ["read", "write", "chown", "chown32", "fchown", "mount", "umount", "umount2", "swapon",
            "swapoff", "reboot", "kexec_load", "ptrace", "ioperm", "iopl", "adjtimex",
            "clock_settime", "settimeofday", "init_module", "delete_module", "ioprio_set",
            "setpriority", "sched_setattr", "_sysctl", "lookup_dcookie", "modify_ldt", "vm86",
            "personality", "chroot", "pivot_root", "fsconfig", "open_tree", "bpf", "perf_event_open",
            "acct", "uselib", "sysfs", "nosuchcall", "execve", "kill", "pciconfig_read", "setuid"]
ERRNOS = ["EPERM", "EACCES", "ENOSYS", "1", "EBOGUS", "kill"]

AFS = ["AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", "AF_BLUETOOTH", "AF_CAN",
       "AF_VSOCK", "AF_ALG", "AF_LOCAL", "AF_XDP", "AF_FOO", "af_inet"]
NAMESPACES = ["cgroup", "ipc", "net", "mnt", "pid", "user", "uts", "time"]
ARCHES = ["native", "x86", "x86-64", "x32", "arm64", "bogus-arch"]

BOOL_TRUE = ["yes", "true", "1", "on", "y", "t", "YES", "True", "On"]
BOOL_FALSE = ["no", "false", "0", "off", "n", "f", "NO", "False"]
BOOL_BAD = ["maybe", "2", "yes # comment", "ja", "-1", "yes no", "\"yes\""]
BOOL_NEWER = ["disconnected", "strict", "private", "identity", "full", "self"]  # >v252 values

# unit-name building blocks; none of these exist on a Debian host as units
SERVICE_NAMES = ["x", "foo", "svc", "hn-test", "a-b-c", "web-app", "my-daemon", "app_1",
                 "mail.relay", "nobody", "root", "0", "UPPER", "a-", "x-y-z-w",
                 "averyveryverylongservicenamethatexceedsthirtytwochars"]
TEMPLATE_NAMES = ["tpl", "foo", "a-b", "worker", "svc-x", "root", "nobody"]
INSTANCES = ["bar", "1", "a-b", "dev-sda1", "root", "nobody", "x\\x2dy", "with.dot", "0",
             "UPPER", "i", "some_long-instance-name", "dev-null", "65534"]
SPECIFIERS = ["%i", "%I", "%p", "%P", "%n", "%N", "%u", "%U", "%j", "%J", "%f", "%%", "%h", "%g",
              "%G", "%t", "%S", "%y", "%Y", "%H", "%l", "%q", "%v", "%a", "%o", "%w", "%W", "%z"]

BOOL_DIRECTIVES = ["PrivateDevices", "PrivateMounts", "PrivateNetwork", "PrivateTmp", "PrivateUsers",
                   "ProtectControlGroups", "ProtectKernelModules", "ProtectKernelTunables",
                   "ProtectKernelLogs", "ProtectClock", "ProtectHostname", "LockPersonality",
                   "MemoryDenyWriteExecute", "NoNewPrivileges", "RemoveIPC", "RestrictRealtime",
                   "RestrictSUIDSGID"]


def pick(rng, items, weights=None):
    if weights:
        return rng.choices(items, weights=weights, k=1)[0]
    return rng.choice(items)


def subset(rng, items, lo=1, hi=4):
    n = rng.randint(lo, min(hi, len(items)))
    return rng.sample(items, n)


# --------------------------------------------------------------------------------------
# Value generators: each returns the value string (after "=").
# `kind` is one of "good" (hardening), "valid" (any valid), "bad" (invalid), "empty".
# --------------------------------------------------------------------------------------

def v_bool(rng, kind, name=""):
    if kind == "good":
        return pick(rng, BOOL_TRUE, [10, 3, 3, 2, 1, 1, 1, 1, 1])
    if kind == "valid":
        return pick(rng, [pick(rng, BOOL_TRUE), pick(rng, BOOL_FALSE)])
    if kind == "bad":
        return pick(rng, BOOL_BAD + BOOL_NEWER)
    return ""


def v_user(rng, kind, ctx):
    if kind == "good":
        return pick(rng, ["foo", "app", "www-data", "1000", "svc_user", "daemon", "_x"])
    if kind == "valid":
        return pick(rng, ["root", "0", "nobody", "65534", "foo", "1000", "a.b", "UPPER", "x-y",
                          "%i", "%I", "%p", "%P", "%N", "%u", "%U", "%j", "user%i", "4294967294",
                          "a" * 31, "a" * 33])
    if kind == "bad":
        return pick(rng, ["00", "-x", "foo bar", "a:b", "4294967295", "%n", "-1", "é", "%z",
                          "root # comment", "\"foo\"", "a/b", "." , "12345678901"])
    return ""


def v_groups(rng, kind, ctx):
    if kind in ("good", "valid"):
        items = ["wheel", "adm", "audio", "video", "1000", "systemd-journal", "0", "nogroup"]
        if rng.random() < 0.15:
            items.append(pick(rng, ["%p", "%i", "%u", "%g"]))  # %i is empty (fatal) outside templates
        return " ".join(subset(rng, items, 1, 3))
    if kind == "bad":
        return pick(rng, ["00", "foo -bar", "a:b", "wheel 00"])
    return ""


def v_protect_home(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["yes", "read-only", "tmpfs", "true"])
    if kind == "valid":
        return pick(rng, ["yes", "no", "read-only", "tmpfs", "1", "off", "on"])
    if kind == "bad":
        return pick(rng, ["Read-Only", "readonly", "TMPFS", "strict", "maybe", "read-only # c"])
    return ""


def v_protect_system(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["strict", "full", "yes"])
    if kind == "valid":
        return pick(rng, ["yes", "no", "full", "strict", "true", "0", "on"])
    if kind == "bad":
        return pick(rng, ["Strict", "FULL", "read-only", "tmpfs", "maybe"])
    return ""


def v_root_dir(rng, kind, ctx):
    if kind in ("good", "valid"):
        return pick(rng, ["/srv/root", "/", "/var/lib/machines/%N", "/srv/%i", "//", "/srv/./root/",
                          "/%p", "/srv/with space", "/srv/root/", "/%I", "/./", "/srv//x"])
    if kind == "bad":  # all fatal
        return pick(rng, ["relative/dir", "srv", "~/x", "%z", "/srv/%z", "-/srv/opt", "/srv/../", "/.."])
    return ""


def v_root_image(rng, kind, ctx):
    if kind in ("good", "valid"):
        return pick(rng, ["/var/lib/img.raw", "/", "/srv/%i.raw", "/images/%N.img", "//"])
    if kind == "bad":
        return pick(rng, ["img.raw", "relative/x.raw", "%z"])
    return ""


def v_mount_images(rng, kind, ctx):
    if kind in ("good", "valid"):
        return pick(rng, ["/a.raw:/mnt/a", "-/b.raw:/mnt/b", "/a.raw:/mnt/a /c.raw:/mnt/c:ro",
                          "/x/%i.raw:/srv/x"])
    if kind == "bad":
        return pick(rng, ["a.raw:/mnt", "/a.raw", "/a.raw:relative"])
    return ""


def v_caps(rng, kind, ctx):
    if kind == "empty":
        return ""
    if kind == "bad":
        return pick(rng, ["~", "CAP_FOO", "~CAP_FOO CAP_BAR", "64", "cap_kill,cap_chown", "~ ~CAP_KILL",
                          "CAP_KILL CAP_NOPE", "-1", "0x20"])
    n = pick(rng, [1, 2, 3, 5, 8], [4, 4, 3, 2, 1])
    names = []
    for _ in range(n):
        r = rng.random()
        if r < 0.55:
            c = pick(rng, HOT_CAPS)
        elif r < 0.9:
            c = pick(rng, CAPS)
        else:
            c = str(rng.randint(0, 63))
        if c.startswith("CAP_") and rng.random() < 0.1:
            c = c.lower()
        names.append(c)
    inv = "~" if rng.random() < (0.55 if kind == "good" else 0.35) else ""
    return inv + " ".join(names)


def v_umask(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["0077", "0027", "077", "0777", "0037"])
    if kind == "valid":
        return pick(rng, ["0022", "0027", "0077", "0777", "22", "0004", "0070", "0007", "0002",
                          "0", "07777", "0020", "0040", "0066", "000"])
    if kind == "bad":
        return pick(rng, ["8", "abc", "010000", "0o22", "-022", "0022 0077", "u=rwx"])
    return ""


def v_enum(values_good, values_valid, values_bad):
    def f(rng, kind, ctx=None):
        if kind == "good":
            return pick(rng, values_good)
        if kind == "valid":
            return pick(rng, values_valid)
        if kind == "bad":
            return pick(rng, values_bad)
        return ""
    return f


v_keyring = v_enum(["private"], ["inherit", "private", "shared"], ["Private", "none", "shared "
                                                                    "# x", "yes"])
v_protect_proc = v_enum(["invisible", "ptraceable", "noaccess"],
                        ["default", "noaccess", "invisible", "ptraceable"],
                        ["Invisible", "hidden", "yes", "2"])
v_proc_subset = v_enum(["pid"], ["all", "pid"], ["PID", "none", "yes"])
v_notify = v_enum(["none", "main"], ["none", "all", "main", "exec"], ["All", "yes", "everyone"])
v_type = v_enum(["simple", "exec", "notify"],
                ["simple", "exec", "forking", "oneshot", "notify", "idle", "dbus"],
                ["Simple", "notify-reload", "daemon"])
v_device_policy = v_enum(["closed", "strict"], ["auto", "closed", "strict"],
                         ["Closed", "none", "yes"])


def v_watchdog(rng, kind, ctx=None):
    if kind in ("good", "valid"):
        return pick(rng, ["0", "10", "5s", "1min", "infinity", "100ms", "0s"])
    if kind == "bad":
        return pick(rng, ["abc", "-1", "5 parsecs"])
    return ""


def v_fdstore(rng, kind, ctx=None):
    if kind in ("good", "valid"):
        return pick(rng, ["0", "1", "5", "100"])
    if kind == "bad":
        return pick(rng, ["many", "-1"])
    return ""


def v_delegate(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["no", "false", "0"])
    if kind == "valid":
        return pick(rng, ["yes", "no", "cpu memory", "pids", "io cpu", "true", "off"])
    if kind == "bad":
        return pick(rng, ["bogus", "cpu bogus", "maybe"])
    return ""


def v_namespaces(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["yes", "true", "~user", "~user net mnt", "uts ipc",
                          "~cgroup ipc net mnt pid user uts", ""])
    if kind == "valid":
        r = rng.random()
        if r < 0.25:
            return v_bool(rng, "valid")
        inv = "~" if rng.random() < 0.5 else ""
        return inv + " ".join(subset(rng, NAMESPACES, 1, 5))
    if kind == "bad":
        return pick(rng, ["uts foo", "~bogus", "maybe", "~", "user,net", "mount"])
    return ""


def v_afs(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["AF_UNIX", "AF_UNIX AF_INET AF_INET6", "none", "AF_UNIX AF_NETLINK",
                          "~AF_PACKET AF_NETLINK", "AF_INET6"])
    if kind == "valid":
        r = rng.random()
        if r < 0.1:
            return "none"
        inv = "~" if rng.random() < 0.4 else ""
        return inv + " ".join(subset(rng, AFS, 1, 4))
    if kind == "bad":
        return pick(rng, ["AF_FOO", "~AF_BAR", "~", "AF_UNIX,AF_INET", "unix", "~none", "none AF_UNIX"])
    return ""


def v_arch(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["native", "native native"])
    if kind == "valid":
        return " ".join(subset(rng, ARCHES[:5], 1, 3))
    if kind == "bad":
        return pick(rng, ["bogus-arch", "native bogus", "amd64", "x86_64"])
    return ""


def v_syscalls(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["@system-service", "~@privileged @resources", "@system-service @setuid",
                          "~@mount @swap @reboot @raw-io @module @debug @cpu-emulation @obsolete "
                          "@clock @privileged @resources",
                          "@basic-io @file-system @io-event @network-io @process @signal"])
    if kind == "valid":
        inv = "~" if rng.random() < 0.5 else ""
        items = []
        for _ in range(rng.randint(1, 5)):
            r = rng.random()
            if r < 0.45:
                e = pick(rng, ASSESSED_GROUPS)
            elif r < 0.7:
                e = pick(rng, SYSCALL_GROUPS)
            else:
                e = pick(rng, SYSCALLS)
            if inv and rng.random() < 0.15:
                e += ":" + pick(rng, ERRNOS)
            items.append(e)
        return inv + " ".join(items)
    if kind == "bad":
        return pick(rng, ["@nosuchgroup", "~@bogus", "read:EPERM", "@mount:EPERM", "~", "nosuchcall",
                          "~@clock:EBOGUS", "~@clock:kill", "@System-Service"])
    return ""


def v_ipaddr(rng, kind, ctx=None):
    items_deny = ["any", "0.0.0.0/0 ::/0", "0.0.0.0/0", "::/0", "10.0.0.0/8", "any 10.0.0.0/8"]
    items_allow = ["localhost", "127.0.0.1", "127.0.0.0/8", "::1", "10.0.0.0/8", "link-local",
                   "multicast", "192.168.1.0/24", "fe80::/64", "127.1.2.3/32", "localhost.",
                   "foo.localhost", "::1/128", "0.0.0.0/0", "2001:db8::/32", "any", "127.0.0.1/0"]
    if kind == "good":
        return pick(rng, ["any", "localhost", "0.0.0.0/0 ::/0", "127.0.0.1"])
    if kind == "valid":
        return " ".join(subset(rng, pick(rng, [items_deny, items_allow]), 1, 3))
    if kind == "bad":
        return pick(rng, ["300.1.1.1", "10.0.0.0/33", "bogus", "any,localhost", "::g", "10.0.0.1/"])
    return ""


def v_bpf_path(rng, kind, ctx=None):
    if kind in ("good", "valid"):
        return pick(rng, ["/sys/fs/bpf/foo", "/sys/fs/bpf/%n", "/sys/fs/bpf/ingress"])
    if kind == "bad":
        return pick(rng, ["relative", "foo/bar", "%z"])
    return ""


def v_device_allow(rng, kind, ctx=None):
    paths = ["/dev/null", "/dev/zero", "char-pts", "block-loop", "char-rtc", "/dev/sda", "/dev/%i",
             "/dev/%I", "char-*", "block-sd", "/dev/net/tun", "char-input", "/dev/fuse"]
    perms = ["", "r", "rw", "rwm", "m", "w", "mr", "wr", "rwmrw"]
    if kind in ("good", "valid"):
        p = pick(rng, paths)
        pr = pick(rng, perms)
        return (p + " " + pr).rstrip() if pr or rng.random() < 0.5 else p
    if kind == "bad":
        return pick(rng, ["/dev/null x", "/tmp/foo rw", "foo rw", "/dev/null rwx", "char- r",
                          "/dev/null r w"])
    return ""


def v_credential(rng, kind, ctx=None):
    if kind in ("good", "valid"):
        return pick(rng, ["foo:/etc/creds/foo.cred", "bar", "key:/var/lib/x"])
    if kind == "bad":
        return pick(rng, ["/abs", "a/b:/x"])
    return ""


def v_default_deps(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["yes", "no"])
    if kind == "valid":
        return pick(rng, BOOL_TRUE + BOOL_FALSE)
    if kind == "bad":
        return pick(rng, BOOL_BAD)
    return ""


def v_dynamic_user(rng, kind, ctx=None):
    if kind == "good":
        return pick(rng, ["yes", "true", "1"])
    if kind == "valid":
        return pick(rng, ["yes", "no", "1", "0", "on", "off"])
    if kind == "bad":
        return pick(rng, ["maybe", "2", "yes # comment"])
    return ""


# (directive, section, generator, weight in "random" profile, probability of a 2nd/3rd line)
ASSESSED = [
    ("User", "exec", v_user, 6, 0.15),
    ("DynamicUser", "exec", v_dynamic_user, 4, 0.05),
    ("SupplementaryGroups", "exec", v_groups, 3, 0.3),
    ("ProtectHome", "exec", v_protect_home, 4, 0.15),
    ("ProtectSystem", "exec", v_protect_system, 4, 0.15),
    ("RootDirectory", "exec", v_root_dir, 2, 0.1),
    ("RootImage", "exec", v_root_image, 2, 0.1),
    ("MountImages", "exec", v_mount_images, 1, 0.2),
    ("CapabilityBoundingSet", "exec", v_caps, 6, 0.4),
    ("AmbientCapabilities", "exec", v_caps, 3, 0.3),
    ("UMask", "exec", v_umask, 4, 0.15),
    ("KeyringMode", "exec", v_keyring, 3, 0.1),
    ("ProtectProc", "exec", v_protect_proc, 3, 0.1),
    ("ProcSubset", "exec", v_proc_subset, 3, 0.1),
    ("NotifyAccess", "service", v_notify, 3, 0.1),
    ("Type", "service", v_type, 3, 0.05),
    ("WatchdogSec", "service", v_watchdog, 2, 0.05),
    ("FileDescriptorStoreMax", "service", v_fdstore, 1, 0.05),
    ("Delegate", "cgroup", v_delegate, 2, 0.2),
    ("RestrictNamespaces", "exec", v_namespaces, 5, 0.4),
    ("RestrictAddressFamilies", "exec", v_afs, 5, 0.4),
    ("SystemCallArchitectures", "exec", v_arch, 4, 0.2),
    ("SystemCallFilter", "exec", v_syscalls, 6, 0.45),
    ("IPAddressAllow", "cgroup", v_ipaddr, 3, 0.3),
    ("IPAddressDeny", "cgroup", v_ipaddr, 4, 0.3),
    ("IPIngressFilterPath", "cgroup", v_bpf_path, 1, 0.2),
    ("IPEgressFilterPath", "cgroup", v_bpf_path, 1, 0.2),
    ("DevicePolicy", "cgroup", v_device_policy, 3, 0.1),
    ("DeviceAllow", "cgroup", v_device_allow, 3, 0.5),
    ("LoadCredentialEncrypted", "exec", v_credential, 1, 0.1),
    ("SetCredentialEncrypted", "exec", v_credential, 1, 0.05),
    ("DefaultDependencies", "unit", v_default_deps, 3, 0.05),
] + [(b, "exec", v_bool, 3, 0.12) for b in BOOL_DIRECTIVES]

ASSESSED_BY_NAME = {d[0]: d for d in ASSESSED}

# settings the assessment ignores (noise), by section: (key, valid values, invalid values).
# Invalid values only produce directive-specific warnings on stderr; they are picked
# rarely (tag noise:invalid-value) so that stderr differences stay attributable.
NOISE_SERVICE = [
    ("Restart", ["on-failure", "always", "no"], ["bogus"]),
    ("RestartSec", ["5", "1min"], ["x"]),
    ("Environment", ["FOO=bar", "\"A=b c\" D=e", "X=%i", "PATH=/bin"], ["=novar"]),
    ("EnvironmentFile", ["-/etc/default/x", "/etc/x.env"], ["relative.env"]),
    ("Group", ["foo", "adm", ""], ["00"]),
    ("WorkingDirectory", ["/srv", "~", "-/var/lib/%N"], ["relative"]),
    ("ReadOnlyPaths", ["/etc", "-/opt /srv"], ["relative"]),
    ("ReadWritePaths", ["/var/lib/x", "-/run/x"], ["x/y"]),
    ("InaccessiblePaths", ["/home", "-/root"], []),
    ("StateDirectory", ["x", "%N", "a/b"], ["/abs"]),
    ("RuntimeDirectory", ["x", "%p"], []),
    ("LogsDirectory", ["x"], []),
    ("PrivateIPC", ["yes", "no"], ["bogus"]),
    ("NetworkNamespacePath", ["/run/netns/x"], ["netns"]),
    ("SystemCallErrorNumber", ["EPERM", "kill"], ["bogus"]),
    ("RestrictFileSystems", ["ext4 tmpfs", "~@network"], []),
    ("TimeoutSec", ["30", "infinity"], ["soon"]),
    ("KillMode", ["process", "mixed", "none"], ["bogus"]),
    ("StandardOutput", ["journal", "syslog", "null", "kmsg+console"], ["bogus"]),
    ("PIDFile", ["/run/x.pid", "/var/run/x.pid"], ["relative.pid"]),
    ("BusName", ["org.example.X"], ["not a bus name"]),
    ("Nice", ["5", "-20"], ["100"]),
    ("LimitNOFILE", ["65536", "infinity", "1024:4096"], ["lots"]),
    ("MemoryMax", ["1G", "50%"], ["huge"]),
    ("TasksMax", ["100", "infinity"], ["many"]),
    ("CPUQuota", ["50%"], ["50"]),
    ("SecureBits", ["keep-caps noroot"], []),
    ("TemporaryFileSystem", ["/var:ro"], ["var"]),
    ("BindReadOnlyPaths", ["/etc/resolv.conf"], []),
    ("RemainAfterExit", ["yes"], ["maybe"]),
    ("ExecReload", ["/bin/kill -HUP $MAINPID"], []),
    ("ExecStartPre", ["-/usr/bin/true", "+/bin/mkdir -p /run/x"], []),
    ("ExecStop", ["/usr/bin/true"], []),
    ("PrivatePIDs", ["yes"], []),          # unknown in v252
    ("ProtectHostnameX", ["yes"], []),     # unknown key
    ("Slice", ["system-x.slice"], ["bad slice"]),
    ("OOMPolicy", ["stop", "kill"], ["bogus"]),
    ("PermissionsStartOnly", ["yes"], []),  # deprecated
    ("BindPaths", ["/a:/b", "-/c /d:/e:norbind"], ["/a:rel", "/a:/b:bogus", "/a  /b"]),
    ("TemporaryFileSystem", ["/run/x:mode=0755"], ["%Z"]),
    ("RequiresMountsFor", ["/var/lib/x"], ["rel"]),
    ("CPUShares", ["100"], ["1"]),
    ("MemoryLimit", ["1G"], ["bogus"]),
    ("BlockIOWeight", ["100"], ["1001"]),
    ("OOMScoreAdjust", ["-500", "1000"], ["-1001", "x"]),
    ("KillSignal", ["SIGTERM", "INT", "RTMIN+3", "9"], ["sigterm", "65"]),
    ("SyslogLevel", ["debug", "3"], ["8"]),
    ("SyslogFacility", ["local3"], ["bogus"]),
    ("IOSchedulingClass", ["idle", "2"], ["bogus"]),
    ("IOSchedulingPriority", ["7"], ["9"]),
    ("CPUSchedulingPolicy", ["batch"], ["bogus"]),
    ("CPUSchedulingPriority", ["10"], ["100"]),
    ("CPUWeight", ["idle", "100"], ["0"]),
    ("IOWeight", ["100"], ["0"]),
    ("Personality", ["x86-64"], ["bogus"]),
    ("TimerSlackNSec", ["10ms"], ["bogus"]),
    ("StandardInput", ["null", "file:/dev/null"], ["file:rel", "bogus"]),
    ("StandardError", ["journal", "append:/var/log/x.log", "fd:stderr"], ["fd:a:b", "syslog"]),
    ("RuntimeDirectoryMode", ["0750"], ["0999"]),
    ("TimeoutStopSec", ["10s"], ["soon"]),
    ("TimeoutAbortSec", ["", "5s"], ["soon"]),
    ("SysVStartPriority", ["1"], []),      # removed option
    ("ExecStartPost", ["@/usr/bin/true true", "-@/bin/echo"], ["\"@/usr/bin/true true\""]),
]
NOISE_UNIT = [
    ("Description", ["Test unit", "Test %n for %i", "Unicode ✓ descr", ""], []),
    ("Documentation", ["man:foo(8)", "https://example.org"], ["bogus-url"]),
    ("After", ["network.target", "foo.service bar.service", "%p.socket"], []),
    ("Wants", ["network-online.target"], []),
    ("Requires", ["x.socket"], []),
    ("ConditionPathExists", ["/etc/x", "!/etc/y"], ["relative"]),
    ("StartLimitIntervalSec", ["10"], []),
    ("StartLimitBurst", ["5"], []),
    ("OnFailure", ["failure-handler@%n.service"], []),
    ("Before", ["multi-user.target"], []),
    ("RefuseManualStart", ["yes"], ["bogus"]),
    ("OnFailureIsolate", ["yes"], ["bogus"]),
    ("JobTimeoutSec", ["5min"], ["bogus"]),
    ("StartLimitAction", ["none", "reboot-force"], ["halt"]),
    ("FailureAction", ["poweroff"], ["bogus"]),
    ("IgnoreOnSnapshot", ["yes"], []),     # removed option
    ("Description", ["Runs %n"], ["%Z in description"]),
    ("RequiresMountsFor", ["/srv %t/x"], ["%Z"]),
]
NOISE_INSTALL = [
    ("WantedBy", ["multi-user.target"], []),
    ("Alias", ["alias-of-x.service"], ["bad alias"]),
    ("Also", ["x.socket"], []),
    ("DefaultInstance", ["default"], []),
    ("RequiredBy", ["foo.target"], []),
]


def noise_value(ctx, valid, invalid):
    if invalid and ctx.rng.random() < 0.08:
        ctx.tag("noise:invalid-value")
        return pick(ctx.rng, invalid)
    return pick(ctx.rng, valid)


EXEC_STARTS = ["/usr/bin/true", "/usr/bin/sleep 1", "+/usr/bin/true", "-/bin/false",
               "!/usr/bin/true", "!!/usr/bin/true", "@/usr/bin/true true", ":/usr/bin/true",
               "/bin/sh -c 'echo %i'", "true", "/usr/bin/env FOO=%n true",
               "/usr/bin/daemon --user=root --arg \"quoted value\""]


# --------------------------------------------------------------------------------------
# Case generation
# --------------------------------------------------------------------------------------

class Ctx:
    def __init__(self, rng, features):
        self.rng = rng
        self.features = features  # Counter of tags used in this case

    def tag(self, t):
        self.features[t] += 1


def directive_kind(rng, profile):
    if profile == "hardened":
        return pick(rng, ["good", "valid", "bad", "empty"], [80, 12, 4, 4])
    if profile == "focused":
        return pick(rng, ["good", "valid", "bad", "empty"], [25, 45, 15, 15])
    return pick(rng, ["good", "valid", "bad", "empty"], [30, 48, 11, 11])


def gen_assignments(ctx, profile, unit_type, dropin=False):
    """Return a list of (section_kind, key, value) for the assessed directives."""
    rng = ctx.rng
    out = []
    if profile == "hardened":
        chosen = [d for d in ASSESSED if rng.random() < 0.6]
    elif profile == "focused":
        chosen = rng.sample(ASSESSED, rng.randint(1, 3))
    elif profile in ("minimal", "syntax"):
        chosen = rng.sample(ASSESSED, rng.randint(0, 4))
    else:  # random
        density = pick(rng, [0.08, 0.2, 0.4, 0.7])
        chosen = [d for d in ASSESSED if rng.random() < density * d[3] / 4.0]
    if dropin:
        chosen = rng.sample(ASSESSED, rng.randint(1, 4))
    rng.shuffle(chosen)
    for name, sect, gen, _w, p_repeat in chosen:
        n = 1
        rep = p_repeat * (3 if profile == "focused" else 1)
        while n < 5 and rng.random() < rep:
            n += 1
        for _ in range(n):
            kind = directive_kind(rng, profile)
            # invalid values of these three make the whole unit fail to load: keep them rare
            if name == "DynamicUser" and kind in ("bad", "empty") and rng.random() < 0.85:
                kind = "valid"
            if name in FATAL_KEYS and kind == "bad" and rng.random() < 0.85:
                kind = "valid"
            if gen is v_bool:
                val = v_bool(rng, kind, name)
            else:
                val = gen(rng, kind, ctx)
            out.append((sect, name, val))
            ctx.tag(name)
            ctx.tag("value:" + kind)
            if val == "":
                ctx.tag("empty-reset")
            elif val.startswith("~"):
                ctx.tag("tilde-inversion")
            if "%" in val:
                ctx.tag("specifier")
        if n > 1:
            ctx.tag("repeated-directive")
    return out


def section_name(unit_type, sect):
    if sect == "unit":
        return "Unit"
    if sect == "install":
        return "Install"
    if sect in ("exec", "cgroup"):
        return {"service": "Service", "socket": "Socket"}.get(unit_type, "Service")
    if sect == "service":
        return "Service"
    return sect


FATAL_KEYS = ("User", "DynamicUser", "SupplementaryGroups", "RootDirectory", "RootImage")


def render_line(ctx, key, val, noise):
    """One assignment, possibly with syntax noise.  Returns a list of text lines."""
    rng = ctx.rng
    r = rng.random
    if key in FATAL_KEYS and r() < 0.8:
        noise = False  # value-changing noise on these is fatal for the unit: keep it rare
    if noise and r() < 0.04:
        key = key.lower() if r() < 0.7 else key.upper()
        ctx.tag("syntax:wrong-case-key")
    sep = "="
    if noise and r() < 0.12:
        sep = pick(rng, [" = ", " =", "= ", "\t=\t", "  =  "])
        ctx.tag("syntax:space-around-eq")
    lead = ""
    if noise and r() < 0.06:
        lead = pick(rng, [" ", "\t", "   "])
        ctx.tag("syntax:leading-ws")
    trail = ""
    if noise and r() < 0.06:
        trail = pick(rng, [" ", "\t", "  "])
        ctx.tag("syntax:trailing-ws")
    if noise and val and r() < 0.03:
        val = '"%s"' % val
        ctx.tag("syntax:quoted-value")
    if noise and val and r() < 0.03:
        val = val + pick(rng, [" # trailing comment", " ; not a comment"])
        ctx.tag("syntax:inline-comment")
    # continuation lines
    if noise and r() < 0.12:
        parts = val.split(" ")
        if len(parts) > 1 and r() < 0.7:
            k = rng.randint(1, len(parts) - 1)
            first, rest = " ".join(parts[:k]), " ".join(parts[k:])
        else:
            first, rest = "", val
        lines = [lead + key + sep + first + pick(rng, [" \\", "\\"])]
        if r() < 0.35:
            lines.append(pick(rng, ["# comment inside continuation", "; another comment",
                                    "  # indented comment"]))
            ctx.tag("syntax:comment-in-continuation")
        lines.append(pick(rng, ["", " ", "    ", "\t"]) + rest + trail)
        ctx.tag("syntax:continuation")
        return lines
    return [lead + key + sep + val + trail]


def noise_lines(ctx, level):
    """Filler between assignments: comments, blanks, unknown keys, X- keys, bad lines."""
    rng = ctx.rng
    out = []
    if rng.random() < 0.25 * level:
        out.append(pick(rng, ["# a comment", "; semicolon comment", "#PrivateTmp=yes",
                              ";User=root", "   # indented comment", "#", "# ünïcödé"]))
        ctx.tag("syntax:comment")
    if rng.random() < 0.15 * level:
        out.append(pick(rng, ["", "  ", "\t"]))
        ctx.tag("syntax:blank")
    if rng.random() < 0.05 * level:
        out.append(pick(rng, ["FooBar=baz", "X-Custom=1", "X-Private=yes", "Privatetmp=yes",
                              "NoSuchSetting=", "x-lower=1"]))
        ctx.tag("syntax:unknown-or-x-key")
    if rng.random() < 0.015 * level:
        out.append(pick(rng, ["this line has no equals sign", "=value-without-key", "PrivateTmp"]))
        ctx.tag("syntax:malformed-line")
    return out


def render_unit(ctx, unit_type, assigns, profile, main=True, exec_start=True):
    """Render assignments into unit-file text (str).  assigns: (sect, key, value)."""
    rng = ctx.rng
    level = {"syntax": 3.0, "minimal": 0.3}.get(profile, 1.0)
    noise = rng.random() < {"syntax": 1.0, "minimal": 0.1}.get(profile, 0.35)
    by_sect = collections.OrderedDict()
    if main or rng.random() < 0.3:
        for k, vals, bad in rng.sample(NOISE_UNIT, rng.randint(0, 3)):
            by_sect.setdefault("Unit", []).append((k, noise_value(ctx, vals, bad)))
            ctx.tag("noise:[Unit]")
    for sect, key, val in assigns:
        by_sect.setdefault(section_name(unit_type, sect), []).append((key, val))
    svc = section_name(unit_type, "exec")
    if main and unit_type == "service":
        if exec_start:
            lst = by_sect.setdefault(svc, [])
            lst.insert(rng.randint(0, len(lst)), ("ExecStart", pick(rng, EXEC_STARTS,
                                                               [40] + [3] * (len(EXEC_STARTS) - 1))))
            if rng.random() < 0.02:
                lst.append(("ExecStart", pick(rng, EXEC_STARTS)))  # 2nd ExecStart
                ctx.tag("load:second-ExecStart")
        else:
            ctx.tag("load:no-ExecStart")
            if rng.random() < 0.3:
                by_sect.setdefault(svc, []).append(("ExecStop", "/usr/bin/true"))
                ctx.tag("load:ExecStop-only")
    if main and unit_type == "socket":
        lst = by_sect.setdefault("Socket", [])
        lst.insert(0, ("ListenStream", pick(rng, ["/run/%p.sock", "1234", "[::]:80", "@abstract"])))
        if rng.random() < 0.2:
            lst.append(("Accept", pick(rng, ["yes", "no"])))
    if unit_type in ("service", "socket") and rng.random() < (0.5 if main else 0.15):
        lst = by_sect.setdefault(svc, [])
        for k, vals, bad in rng.sample(NOISE_SERVICE, rng.randint(1, 4)):
            if unit_type == "socket" and k in ("Restart", "PIDFile", "BusName", "RemainAfterExit",
                                               "ExecReload", "ExecStop", "PermissionsStartOnly"):
                continue
            lst.insert(rng.randint(0, len(lst)), (k, noise_value(ctx, vals, bad)))
            ctx.tag("noise:[%s]" % svc)
    if main and rng.random() < 0.3:
        for k, vals, bad in rng.sample(NOISE_INSTALL, rng.randint(1, 2)):
            by_sect.setdefault("Install", []).append((k, noise_value(ctx, vals, bad)))
            ctx.tag("noise:[Install]")

    sect_names = list(by_sect.keys())
    if rng.random() < 0.3 and len(sect_names) > 1:
        rng.shuffle(sect_names)
        ctx.tag("syntax:section-order")
    lines = []
    if rng.random() < 0.03 * level:
        lines.append(pick(rng, ["PrivateTmp=yes", "User=root", "# header-less comment",
                                "NoNewPrivileges=yes"]))
        ctx.tag("syntax:assignment-outside-section")
    for s in sect_names:
        entries = by_sect[s]
        # split a section into two headers sometimes (repeated sections merge)
        split_at = rng.randint(1, len(entries) - 1) if len(entries) > 2 and rng.random() < 0.08 else None
        hdr = "[%s]" % s
        if rng.random() < 0.02 * level:
            hdr = pick(rng, ["[%s] " % s, " [%s]" % s, "[%s]\t" % s])
            ctx.tag("syntax:header-whitespace")
        lines.append(hdr)
        for i, (k, v) in enumerate(entries):
            if split_at is not None and i == split_at:
                if rng.random() < 0.5:
                    lines += ["", "[X-Interlude]", "Foo=bar", "PrivateTmp=no"]
                    ctx.tag("syntax:X-section")
                lines.append("[%s]" % s)
                ctx.tag("syntax:repeated-section")
            lines += noise_lines(ctx, level)
            lines += render_line(ctx, k, v, noise)
        if rng.random() < 0.15:
            lines.append("")
    # extra sections
    if rng.random() < 0.08 * level:
        which = pick(rng, ["x", "unknown", "wrongcase", "bad"], [5, 3, 2, 1])
        if which == "x":
            lines += ["", "[X-Vendor]", "PrivateTmp=no", "User=root", "Anything=goes"]
            ctx.tag("syntax:X-section")
        elif which == "unknown":
            lines += ["", "[Foo]", "User=root", "PrivateNetwork=yes"]
            ctx.tag("syntax:unknown-section")
        elif which == "wrongcase":
            lines += ["", "[service]", "PrivateNetwork=yes", "User=foo"]
            ctx.tag("syntax:wrong-case-section")
        else:
            lines += ["", pick(rng, ["[Service", "[Ser vice]", "[]", "[Service]]"]), "User=foo"]
            ctx.tag("load:invalid-section-header")
    if rng.random() < 0.01 * level:
        lines.append("NoNewPrivileges=yes \\")
        ctx.tag("syntax:continuation-at-eof")
    eol = "\n"
    if rng.random() < 0.01 * level:
        eol = "\r\n"
        ctx.tag("syntax:crlf")
    text = eol.join(lines)
    if rng.random() < 0.93:
        text += eol
    else:
        ctx.tag("syntax:no-final-newline")
    if rng.random() < 0.01 * level:
        text = "\ufeff" + text
        ctx.tag("syntax:bom")
    return text


def choose_name(rng, names):
    return pick(rng, names)


def generate_case(seed, index):
    """Return a case dict: files {relpath: str|bytes}, symlinks {relpath: target},
    args [..], units [..], features Counter, profile, kind."""
    rng = random.Random("%s:%d" % (seed, index))
    features = collections.Counter()
    ctx = Ctx(rng, features)
    profile = pick(rng, ["random", "hardened", "focused", "syntax", "minimal", "error"],
                   [36, 22, 20, 10, 7, 5])
    kind = pick(rng, ["service", "template", "instance", "instance-file", "socket", "multi",
                      "alias", "subdir", "missing", "multidir"],
                [50, 13, 14, 3, 4, 7, 2, 4, 1, 3])
    files, symlinks, units = {}, {}, []
    unit_files = []  # (relpath of unit file, unit_type, name-info) for drop-in generation

    def add_unit(fname, unit_type, exec_start=True, prefix_dir=""):
        assigns = gen_assignments(ctx, profile, unit_type)
        text = render_unit(ctx, unit_type, assigns, profile, main=True, exec_start=exec_start)
        files[os.path.join(prefix_dir, fname) if prefix_dir else fname] = text
        unit_files.append((prefix_dir, fname, unit_type))

    no_exec = profile == "error" and rng.random() < 0.35 or rng.random() < 0.015

    if kind in ("service", "alias", "subdir", "missing"):
        base = choose_name(rng, SERVICE_NAMES)
        fname = base + ".service"
        sub = ""
        if kind == "subdir":
            sub = pick(rng, ["units", "a/b", "sys.d"])
            features["invoke:subdir-path"] += 1
        add_unit(fname, "service", exec_start=not no_exec, prefix_dir=sub)
        arg = os.path.join(sub, fname) if sub else fname
        if kind == "service" and rng.random() < 0.05:
            arg = "./" + fname
            features["invoke:dot-slash"] += 1
        units.append(arg)
        if kind == "alias":
            alias = pick(rng, ["alias-x.service", "other-name.service", "al-.service"])
            if alias != fname:
                symlinks[alias] = fname
                units = [alias]
                features["invoke:alias-symlink"] += 1
        if kind == "missing":
            units = [pick(rng, ["does-not-exist.service", "nope@x.service", "gone.socket"])]
            features["invoke:missing-unit"] += 1
    elif kind in ("template", "instance", "instance-file"):
        base = choose_name(rng, TEMPLATE_NAMES)
        tname = base + "@.service"
        add_unit(tname, "service", exec_start=not no_exec)
        if kind == "template":
            units.append(tname)
            features["invoke:template-file"] += 1
        else:
            inst = pick(rng, INSTANCES)
            iname = "%s@%s.service" % (base, inst)
            units.append(iname)
            features["invoke:instance"] += 1
            if kind == "instance-file":
                # an instance-specific unit file shadows the template
                add_unit(iname, "service", exec_start=True)
                features["invoke:instance-file-present"] += 1
    elif kind == "socket":
        base = choose_name(rng, SERVICE_NAMES[:8])
        add_unit(base + ".socket", "socket")
        units.append(base + ".socket")
        features["invoke:socket"] += 1
    elif kind == "multidir":
        # units in several directories: every directory of a given file joins the search
        # path (in argument order), so drop-ins and even same-named unit files in one
        # directory affect units given from another
        da, db = pick(rng, [("a", "b"), ("p/q", "r"), ("b", "a")])
        xa = choose_name(rng, SERVICE_NAMES[:10]) + ".service"
        yb = pick(rng, [n for n in SERVICE_NAMES[:10] if n + ".service" != xa]) + ".service"
        add_unit(xa, "service", prefix_dir=da)
        add_unit(yb, "service", prefix_dir=db)
        units += [os.path.join(da, xa), os.path.join(db, yb)]
        if rng.random() < 0.4:
            add_unit(xa, "service", prefix_dir=db)  # same name in the 2nd dir
            units.append(os.path.join(db, xa))
            features["invoke:same-name-in-two-dirs"] += 1
        if rng.random() < 0.5:
            units.reverse()
        for _ in range(rng.randint(1, 3)):
            dd = pick(rng, [da, db])
            target = pick(rng, [xa + ".d", yb + ".d", "service.d"])
            cname = pick(rng, ["10-a.conf", "20-b.conf", "50-x.conf"])
            rel = os.path.join(dd, target, cname)
            if rng.random() < 0.15:
                symlinks[rel] = "/dev/null"
                files.pop(rel, None)
                features["dropin:masked-symlink"] += 1
            else:
                assigns = gen_assignments(ctx, profile, "service", dropin=True)
                files[rel] = render_unit(ctx, "service", assigns, profile, main=False)
                symlinks.pop(rel, None)
            features["dropin:other-search-dir"] += 1
        features["invoke:multiple-dirs"] += 1
    else:  # multi
        n = rng.randint(2, 3)
        names = rng.sample(SERVICE_NAMES[:10], n)
        for b in names:
            add_unit(b + ".service", "service", exec_start=not (rng.random() < 0.08))
            units.append(b + ".service")
        if rng.random() < 0.2:
            units.append(units[0])  # same unit twice
            features["invoke:duplicate-arg"] += 1
        if rng.random() < 0.15:
            units.insert(rng.randint(0, len(units)), "missing-one.service")
            features["invoke:missing-unit"] += 1
        features["invoke:multiple-units"] += 1

    # load-error variants
    if profile == "error" and unit_files and not no_exec:
        sub, fname, utype = unit_files[0]
        path = os.path.join(sub, fname) if sub else fname
        what = pick(rng, ["fatal-user", "fatal-dynamic", "fatal-groups", "empty-file", "masked",
                          "non-utf8", "dbus-no-busname", "reset-execstart"])
        features["load:" + what] += 1
        txt = files[path]
        if what == "fatal-user":
            files[path] = txt.replace("[Service]", "[Service]\nUser=" + pick(rng, ["00", "-x", "a:b"]), 1)
        elif what == "fatal-dynamic":
            files[path] = txt.replace("[Service]", "[Service]\nDynamicUser=" + pick(rng, ["maybe", ""]), 1)
        elif what == "fatal-groups":
            files[path] = txt.replace("[Service]", "[Service]\nSupplementaryGroups=wheel 00", 1)
        elif what == "empty-file":
            files[path] = pick(rng, ["", "\n", "# only a comment\n"])
        elif what == "masked":
            del files[path]
            symlinks[path] = "/dev/null"
        elif what == "non-utf8":
            files[path] = txt.encode("utf-8") + b"Description=caf\xe9\n"
        elif what == "dbus-no-busname":
            files[path] = txt.replace("[Service]", "[Service]\nType=dbus", 1)
        elif what == "reset-execstart":
            files[path] = txt + "[Service]\nExecStart=\n"

    # drop-ins
    if unit_files and rng.random() < (0.45 if profile != "minimal" else 0.1):
        sub, fname, utype = unit_files[0]
        stem, dot, suffix = fname.rpartition(".")
        cands = [fname + ".d"]
        if "@" in fname:
            tmpl = stem.split("@", 1)[0] + "@." + suffix
            cands.append(tmpl + ".d")
            if units and units[0] != fname and "@" in units[0]:
                cands.append(os.path.basename(units[0]) + ".d")  # instance drop-in dir
        parts = stem.split("@", 1)[0].split("-")
        for i in range(1, len(parts)):
            cands.append("-".join(parts[:i]) + "-." + suffix + ".d")  # dash-prefix dirs
        cands.append(suffix + ".d")  # type-wide
        cands.append("unrelated.service.d")  # must not apply
        if rng.random() < 0.1:
            cands.append(fname + ".wants")  # not a drop-in dir
        nfiles = rng.randint(1, 4)
        for _ in range(nfiles):
            d = pick(rng, cands)
            features["dropin:" + ("type-wide" if d == suffix + ".d" else
                                  "dash-prefix" if d.endswith("-." + suffix + ".d") else
                                  "template" if "@." in d else
                                  "instance" if "@" in d and d != fname + ".d" else
                                  "unrelated" if d.startswith("unrelated") else
                                  "wants-dir" if d.endswith(".wants") else "unit")] += 1
            cname = pick(rng, ["10-a.conf", "20-b.conf", "override.conf", "50-x.conf", "00-first.conf",
                               "99-last.conf", "notconf.txt", "x.conf.disabled", "10-a.conf"])
            if not cname.endswith(".conf"):
                features["dropin:non-conf-file"] += 1
            assigns = gen_assignments(ctx, profile, utype, dropin=True)
            if rng.random() < 0.1:
                assigns.append(("service", "ExecStart", ""))
                features["dropin:ExecStart-reset"] += 1
                if rng.random() < 0.7:
                    assigns.append(("service", "ExecStart", "/usr/bin/false"))
            text = render_unit(ctx, utype, assigns, profile, main=False)
            rel = os.path.join(sub, d, cname) if sub else os.path.join(d, cname)
            if rel in files or rel in symlinks:
                features["dropin:same-name-overwritten"] += 1
                files.pop(rel, None)
                symlinks.pop(rel, None)
            r = rng.random()
            if r < 0.05:
                symlinks[rel] = "/dev/null"  # masks same-named drop-ins elsewhere
                features["dropin:masked-symlink"] += 1
            elif r < 0.09:
                target = "shared-%d.conf.txt" % rng.randint(0, 9)
                files[os.path.join(sub, target) if sub else target] = text
                symlinks[rel] = os.path.relpath(os.path.join(sub, target) if sub else target,
                                                os.path.dirname(rel))
                features["dropin:symlink-to-file"] += 1
            else:
                files[rel] = text
        features["dropins"] += 1

    # extra command-line arguments
    args = []
    r = rng.random()
    if r < 0.04:
        args.append("--json=short")
    elif r < 0.07:
        args.append("--json=pretty")
    elif r < 0.075:
        args.append("--json=off")
    if rng.random() < 0.05:
        args.append("--threshold=%d" % pick(rng, [0, 1, 10, 50, 80, 90, 96, 100]))
    for a in args:
        features["arg:" + a.split("=")[0] + ("=" + a.split("=")[1] if a.startswith("--json") else "")] += 1

    features["profile:" + profile] += 1
    features["kind:" + kind] += 1
    return {"seed": seed, "index": index, "profile": profile, "kind": kind, "files": files,
            "symlinks": symlinks, "args": args, "units": units, "features": features}


def write_case(case, dest):
    """Materialise a case in directory `dest` (created)."""
    os.makedirs(dest, exist_ok=True)
    for rel, content in case["files"].items():
        p = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(p, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(content)
    for rel, target in case["symlinks"].items():
        p = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink(target, p)
    meta = {k: case[k] for k in ("seed", "index", "profile", "kind", "args", "units")}
    meta["symlinks"] = case["symlinks"]
    with open(os.path.join(dest, ".case.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


def print_stats(cases, out=sys.stdout):
    total = len(cases)
    per = collections.Counter()
    lines = collections.Counter()
    for c in cases:
        for k, v in c["features"].items():
            per[k] += 1
            lines[k] += v
    out.write("%d cases\n" % total)
    groups = collections.OrderedDict([("directives (assessed)", []), ("profiles/kinds/args", []),
                                      ("syntax", []), ("drop-ins", []), ("load", []), ("other", [])])
    for k in sorted(per):
        if k in ASSESSED_BY_NAME:
            groups["directives (assessed)"].append(k)
        elif k.split(":")[0] in ("profile", "kind", "arg", "invoke"):
            groups["profiles/kinds/args"].append(k)
        elif k.startswith("syntax:"):
            groups["syntax"].append(k)
        elif k.startswith("dropin"):
            groups["drop-ins"].append(k)
        elif k.startswith("load:"):
            groups["load"].append(k)
        else:
            groups["other"].append(k)
    for g, keys in groups.items():
        out.write("\n== %s ==\n" % g)
        for k in keys:
            out.write("  %-40s %6d cases (%5.1f%%) %7d uses\n" % (k, per[k], 100.0 * per[k] / total, lines[k]))
    missing = [d[0] for d in ASSESSED if d[0] not in per]
    if missing:
        out.write("\nWARNING: assessed directives never generated: %s\n" % ", ".join(missing))


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", default="1")
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--first", type=int, default=0, help="index of the first case (default 0)")
    ap.add_argument("--out", help="write the cases into OUT/case-NNNNN/")
    ap.add_argument("--stats", action="store_true", help="print how many cases use each directive/feature")
    ap.add_argument("--show", type=int, metavar="I", help="print case I (files and arguments) to stdout")
    args = ap.parse_args()
    if args.show is not None:
        c = generate_case(args.seed, args.show)
        print("# case %d seed %s profile %s kind %s" % (c["index"], c["seed"], c["profile"], c["kind"]))
        print("# args: %s" % " ".join(c["args"] + c["units"]))
        for rel, t in sorted(c["files"].items()):
            print("==> %s <==" % rel)
            sys.stdout.write(t if isinstance(t, str) else t.decode("utf-8", "backslashreplace"))
        for rel, t in sorted(c["symlinks"].items()):
            print("==> %s -> %s" % (rel, t))
        return
    cases = [generate_case(args.seed, i) for i in range(args.first, args.first + args.cases)]
    if args.out:
        for c in cases:
            write_case(c, os.path.join(args.out, "case-%05d" % c["index"]))
        print("wrote %d cases to %s" % (len(cases), args.out))
    if args.stats or not args.out:
        print_stats(cases)


if __name__ == "__main__":
    main()
