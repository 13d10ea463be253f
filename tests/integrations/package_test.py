#!/usr/bin/env python3
"""The Debian package, man page and shell completions (issue 8).

1. `cpack -G DEB` builds the .deb from the build tree (its install rules:
   cmake/install.cmake); `dpkg-deb -c` lists the binary, the man page, the
   bash, zsh and fish completions and the Prometheus service and timer
   under the standard /usr prefixes; Depends (dpkg-shlibdeps) names the
   libraries the binary links: libc6, libstdc++6, libseccomp2, libsystemd0.
2. `dpkg -x` into an empty tree: the extracted binary runs (--version) with
   only the declared libraries, `man -l` renders the page with its
   sections, the packaged service and timer pass `systemd-analyze verify`
   but for the binary's path.
3. Completions: bash loads the file (`complete -p hardnut`) and completes
   subcommands, options and values; `zsh -n` and `fish --no-execute` accept
   theirs; every option `hardnut SUBCOMMAND --help` lists is in all three.

Usage: tests/integrations/package_test.py --build-dir build/dev [--tool build/dev/hardnut]
Prints `N passed, M failed`; exit 1 on failure, 2 if a prerequisite is missing.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

from outcome import check, finish, missing

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root", "TERM": "dumb"}

EXPECTED_FILES = [
    "./usr/bin/hardnut",
    "./usr/share/man/man1/hardnut.1.gz",
    "./usr/share/bash-completion/completions/hardnut",
    "./usr/share/zsh/vendor-completions/_hardnut",
    "./usr/share/fish/vendor_completions.d/hardnut.fish",
    "./usr/lib/systemd/system/hardnut-prometheus.service",
    "./usr/lib/systemd/system/hardnut-prometheus.timer",
]
EXPECTED_DEPENDS = ["libc6", "libstdc++6", "libseccomp2", "libsystemd0"]
MAN_SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "INLINE SUPPRESSIONS", "METRICS", "ENVIRONMENT", "EXIT STATUS"]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, env=kw.pop("env", ENV), **kw)


def help_options(tool, sub):
    out = run([tool, sub, "--help"]).stdout
    return sorted(set(re.findall(r"^\s+(?:-\w,)?(--[a-z][a-z-]*)", out, re.M)))


BASH_COMPLETE = r"""
source /usr/share/bash-completion/bash_completion
source "$1"
complete -p hardnut
shift
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_hardnut
echo "${COMPREPLY[*]}"
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--tool")
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    tool = os.path.abspath(args.tool or os.path.join(build, "hardnut"))
    for program, package in [("cpack", "cmake"), ("dpkg-deb", "dpkg"), ("dpkg-shlibdeps", "dpkg-dev"),
                             ("man", "man-db"), ("zsh", "zsh"), ("fish", "fish"),
                             ("systemd-analyze", "systemd")]:
        if not shutil.which(program):
            missing("%s is needed (apt-get install %s)" % (program, package))
    if not os.path.exists("/usr/share/bash-completion/bash_completion"):
        missing("bash-completion is needed (apt-get install bash-completion)")
    if not os.path.exists(os.path.join(build, "CPackConfig.cmake")):
        missing("no CPackConfig.cmake in %s: configure the build first" % build)
    if not os.path.exists(os.path.join(build, "hardnut.1.gz")):
        missing("no man page in %s: scdoc missing at configure time? (apt-get install scdoc)" % build)

    with tempfile.TemporaryDirectory() as tmp:
        p = run(["cpack", "-G", "DEB", "--config", os.path.join(build, "CPackConfig.cmake"), "-B", tmp])
        debs = glob.glob(os.path.join(tmp, "*.deb"))
        check("cpack -G DEB builds one .deb", p.returncode == 0 and len(debs) == 1, p.stdout[-1500:] + p.stderr[-1500:])
        if len(debs) != 1:
            return finish()
        deb = debs[0]
        listing = run(["dpkg-deb", "-c", deb]).stdout
        files = {line.split()[5].split(" -> ")[0] for line in listing.splitlines() if len(line.split()) >= 6}
        absent = [f for f in EXPECTED_FILES if f not in files]
        check("the .deb holds %d expected files under /usr" % len(EXPECTED_FILES), not absent,
              "missing: %s\nlisting:\n%s" % (absent, listing))
        check("nothing outside /usr", all(f.startswith("./usr/") or f == "./" or f == "./usr/" for f in files),
              sorted(f for f in files if not f.startswith("./usr")))
        fields = {k: run(["dpkg-deb", "-f", deb, k]).stdout.strip()
                  for k in ("Package", "Version", "Architecture", "Depends", "Description")}
        depends = [d.strip().split()[0] for d in fields["Depends"].split(",") if d.strip()]
        check("Depends (dpkg-shlibdeps): %s" % fields["Depends"],
              all(d in depends for d in EXPECTED_DEPENDS), "want %s" % EXPECTED_DEPENDS)
        arch = run(["dpkg", "--print-architecture"]).stdout.strip()
        check("Package hardnut, Architecture %s, a version and a description" % arch,
              fields["Package"] == "hardnut" and fields["Architecture"] == arch and fields["Version"]
              and fields["Description"], fields)

        root = os.path.join(tmp, "root")
        p = run(["dpkg", "-x", deb, root])
        check("dpkg -x extracts it", p.returncode == 0, p.stderr)
        binary = os.path.join(root, "usr/bin/hardnut")
        p = run([binary, "--version"])
        check("the extracted binary runs: %s" % p.stdout.strip(),
              p.returncode == 0 and p.stdout.startswith("hardnut "), p.stdout + p.stderr)
        # Every library it links (NEEDED; theirs are their packages' business)
        # belongs to a declared dependency.
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", run(["readelf", "-d", binary]).stdout)
        paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", run(["ldd", binary]).stdout, re.M))
        libs = [paths.get(n, n) for n in needed]
        check("the binary links %s" % ", ".join(needed),
              any(n.startswith("libseccomp") for n in needed) and any(n.startswith("libsystemd") for n in needed))
        owners = set()
        for lib in libs:
            q = run(["dpkg", "-S", os.path.realpath(lib)])
            if q.returncode != 0:
                q = run(["dpkg", "-S", lib])
            owners.update(o.split(":")[0] for o in q.stdout.split(": ")[0].split(", "))
        undeclared = sorted(o for o in owners if o not in depends and o != "")
        check("every shared library comes from a declared dependency (%s)" % ", ".join(sorted(owners)),
              not undeclared, "not in Depends: %s" % undeclared)

        page = os.path.join(root, "usr/share/man/man1/hardnut.1.gz")
        p = run(["man", "-l", page], env=dict(ENV, MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
        absent = [s for s in MAN_SECTIONS if not re.search(r"^%s$" % s, p.stdout, re.M)]
        check("man -l renders the page (%d lines) with its sections" % p.stdout.count("\n"),
              p.returncode == 0 and not absent and "hardnut: ignore=" in p.stdout,
              "missing sections: %s\n%s" % (absent, p.stderr[-1000:]))
        warnings = run(["man", "--warnings", "-l", page], env=dict(ENV, MANWIDTH="80", MANPAGER="cat")).stderr
        check("groff has no warnings about the page", not warnings.strip(), warnings[-1500:])

        units = [os.path.join(root, "usr/lib/systemd/system", n)
                 for n in ("hardnut-prometheus.service", "hardnut-prometheus.timer")]
        p = run(["systemd-analyze", "verify", "--man=no"] + units)
        # Outside an installed system the binary cannot be found; nothing else may be wrong.
        problems = [l for l in (p.stderr + p.stdout).splitlines()
                    if l.strip() and "Command hardnut is not executable" not in l
                    and "Failed to resolve" not in l and "Unable to locate executable" not in l]
        check("systemd-analyze verify accepts the service and timer", not problems, "\n".join(problems))

        # Completions, as installed.
        bash_file = os.path.join(root, "usr/share/bash-completion/completions/hardnut")

        def complete(*words):
            q = run(["bash", "-c", BASH_COMPLETE, "bash", bash_file, *words])
            lines = q.stdout.splitlines()
            return lines[0] if lines else "", (lines[1] if len(lines) > 1 else "").split(), q.stderr

        spec, subs, err = complete("hardnut", "s")
        check("bash loads the completion: %s" % spec, spec == "complete -F _hardnut hardnut", err)
        check("bash completes subcommands: %s" % subs, sorted(subs) == ["security", "suggest"], err)
        _, opts, err = complete("hardnut", "security", "--fo")
        check("bash completes options: %s" % opts, opts == ["--format"], err)
        _, values, err = complete("hardnut", "security", "--format", "")
        check("bash completes values: %s" % values, sorted(values) == ["json", "prometheus", "sarif", "text"], err)
        zsh_file = os.path.join(root, "usr/share/zsh/vendor-completions/_hardnut")
        fish_file = os.path.join(root, "usr/share/fish/vendor_completions.d/hardnut.fish")
        p = run(["zsh", "-n", zsh_file])
        check("zsh -n accepts _hardnut", p.returncode == 0, p.stderr)
        p = run(["fish", "--no-execute", fish_file])
        check("fish --no-execute accepts hardnut.fish", p.returncode == 0, p.stderr)
        fish = run(["fish", "-c", "source $argv[1]; complete -C'hardnut security --fo'", fish_file]).stdout
        check("fish completes options", fish.startswith("--format"), fish)

        texts = {}
        for name, path in [("bash", bash_file), ("zsh", zsh_file), ("fish", fish_file)]:
            with open(path) as f:
                texts[name] = f.read()
        subcommands = re.findall(r"^  (\w+)\s{2,}", run([tool, "--help"]).stdout.split("Subcommands:")[-1], re.M)
        absent = []
        for sub in subcommands:
            for opt in help_options(tool, sub):
                for name, text in texts.items():
                    needle = "-l " + opt[2:] if name == "fish" else opt
                    if opt != "--help" and needle not in text:
                        absent.append("%s: %s %s" % (name, sub, opt))
        check("every option of %s is in the three completions" % ", ".join(subcommands),
              subcommands and not absent, "\n".join(absent))
    return finish()


if __name__ == "__main__":
    main()
