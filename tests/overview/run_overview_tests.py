#!/usr/bin/env python3
"""Overview and scan-document tests of hardnut (issue 4).

1. A root tree is built from corpus units (vendor units, an enabled template
   instance via a .wants link, an alias, a mask, a drop-in, a oneshot) and
   `hardnut security --offline=yes --root=TREE` must print exactly the
   overview derived from the per-unit results of the real systemd-analyze
   (`systemd-analyze security --offline=yes --root=TREE UNIT`).
2. `--format=json` of the same tree must validate against
   docs/scan-schema.json, and its exposures must equal the per-unit details.
3. Scanning a folder (`hardnut security --offline=yes --overview DIR`) scores
   every unit file below it, and symlinks inside it never lead outside.

Prints `N passed, M failed`; exit 1 on failure, 2 if a tool is missing.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus", "units")
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "xterm", "HOME": "/root"}

VENDOR_UNITS = [
    "amavisd-new/amavis-mc.service", "ampr-ripd/ampr-ripd.service", "apache2/apache2.service",
    "at/atd.service", "autofs/autofs.service", "bolt/bolt.service", "caddy/caddy.service",
    "certspotter/certspotter.service", "biboumi/biboumi.service", "auditd/auditd.service",
]
TEMPLATE = "arpwatch/arpwatch@.service"
PREDICATES = [(100, "DANGEROUS", "\U0001F922"), (90, "UNSAFE", "\U0001F628"), (75, "EXPOSED", "\U0001F641"),
              (50, "MEDIUM", "\U0001F610"), (10, "OK", "\U0001F642"), (1, "SAFE", "\U0001F600"),
              (0, "PERFECT", "\U0001F607")]

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else "\n    " + detail.replace("\n", "\n    ")))


def build_tree(root):
    vendor = os.path.join(root, "usr/lib/systemd/system")
    etc = os.path.join(root, "etc/systemd/system")
    os.makedirs(vendor)
    os.makedirs(os.path.join(etc, "multi-user.target.wants"))
    os.makedirs(os.path.join(root, "lib"))
    for rel in VENDOR_UNITS + [TEMPLATE]:
        shutil.copy(os.path.join(CORPUS, rel), vendor)
    # An enabled instance of the template.
    os.symlink("../../../../usr/lib/systemd/system/arpwatch@.service",
               os.path.join(etc, "multi-user.target.wants", "arpwatch@eth0.service"))
    # An alias (reported under its real name only) and a mask.
    os.symlink("../../../usr/lib/systemd/system/atd.service", os.path.join(etc, "at-alias.service"))
    os.symlink("/dev/null", os.path.join(etc, "autofs.service"))
    # A drop-in that hardens one vendor unit.
    os.makedirs(os.path.join(etc, "bolt.service.d"))
    with open(os.path.join(etc, "bolt.service.d", "50-harden.conf"), "w") as f:
        f.write("[Service]\nPrivateTmp=yes\nProtectSystem=strict\nNoNewPrivileges=yes\n")
    # A oneshot service: systemd's overview leaves these out.
    with open(os.path.join(vendor, "setup-once.service"), "w") as f:
        f.write("[Service]\nType=oneshot\nExecStart=/bin/true\n")


def oracle_exposure(root, unit, cwd):
    p = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", "--root=" + root, unit],
                       cwd=cwd, env=ENV, capture_output=True, text=True)
    m = re.search(r"Overall exposure level for (\S+): (\d+)\.(\d) ", p.stdout)
    return (m.group(1), int(m.group(2)) * 10 + int(m.group(3))) if m else None


def render_overview(rows):
    width = max([len("UNIT")] + [len(u) for u, _ in rows])
    lines = ["UNIT".ljust(width) + " EXPOSURE PREDICATE HAPPY"]
    for unit, exposure in rows:
        pred = next(p for p in PREDICATES if exposure >= p[0])
        value = "%d.%d" % (exposure // 10, exposure % 10)
        lines.append(unit.ljust(width) + " " + value.rjust(8) + " " + pred[1].ljust(9) + " " + pred[2])
    return "\n".join(lines) + "\n"


def validate(instance, schema, path="$"):
    """A validator for the JSON Schema keywords docs/scan-schema.json uses."""
    errors = []
    if "const" in schema and instance != schema["const"]:
        errors.append("%s: expected %r" % (path, schema["const"]))
    if "enum" in schema and instance not in schema["enum"]:
        errors.append("%s: %r not in enum" % (path, instance))
    if "oneOf" in schema:
        matches = sum(1 for s in schema["oneOf"] if not validate(instance, s, path))
        if matches != 1:
            errors.append("%s: matches %d of oneOf" % (path, matches))
    types = schema.get("type")
    if types:
        types = types if isinstance(types, list) else [types]
        kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
        def is_type(t):
            if t == "integer":
                return isinstance(instance, int) and not isinstance(instance, bool)
            if t == "number":
                return isinstance(instance, (int, float)) and not isinstance(instance, bool)
            return isinstance(instance, kinds[t])
        if not any(is_type(t) for t in types):
            errors.append("%s: %r is not %s" % (path, instance, types))
            return errors
    if isinstance(instance, (int, float)) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append("%s: below minimum" % path)
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append("%s: above maximum" % path)
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            if key not in instance:
                errors.append("%s: missing %s" % (path, key))
        props = schema.get("properties", {})
        for key, value in instance.items():
            if key in props:
                errors += validate(value, props[key], path + "." + key)
            elif schema.get("additionalProperties") is False:
                errors.append("%s: unexpected %s" % (path, key))
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            errors += validate(item, schema["items"], "%s[%d]" % (path, i))
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    args = ap.parse_args()
    if not shutil.which("systemd-analyze"):
        print("run_overview_tests.py: systemd-analyze (the oracle) is missing", file=sys.stderr)
        return 2
    if not os.path.exists(args.tool) or not os.path.isdir(CORPUS):
        print("run_overview_tests.py: %s or %s is missing" % (args.tool, CORPUS), file=sys.stderr)
        return 2
    tool = os.path.abspath(args.tool)
    work = tempfile.mkdtemp(prefix="hardnut-overview-")
    try:
        root = os.path.join(work, "root")
        empty = os.path.join(work, "cwd")
        os.makedirs(empty)
        build_tree(root)

        # 1. Overview of the tree against the per-unit oracle.
        expected_units = [os.path.basename(u) for u in VENDOR_UNITS if not u.endswith("autofs.service")]
        expected_units.append("arpwatch@eth0.service")
        rows = []
        for unit in sorted(expected_units):
            r = oracle_exposure(root, unit, empty)
            check("oracle scores " + unit, r is not None)
            if r:
                rows.append(r)
        rows.sort()
        p = subprocess.run([tool, "security", "--offline=yes", "--root=" + root], cwd=empty, env=ENV,
                           capture_output=True, text=True)
        check("overview exit status 0", p.returncode == 0, p.stderr)
        expected = render_overview(rows)
        check("overview of --root equals the oracle-derived table", p.stdout == expected,
              "expected:\n" + expected + "got:\n" + p.stdout)
        check("masked unit reported on stderr", "Unit autofs.service is masked." in p.stderr, p.stderr)
        check("alias listed once under its real name", "at-alias.service" not in p.stdout)
        check("oneshot service left out", "setup-once.service" not in p.stdout)

        # Threshold applies to every row.
        worst = max(e for _, e in rows)
        p2 = subprocess.run([tool, "security", "--offline=yes", "--root=" + root, "--threshold=%d" % (worst - 1)],
                            cwd=empty, env=ENV, capture_output=True, text=True)
        check("threshold below the worst unit fails", p2.returncode == 1)
        p3 = subprocess.run([tool, "security", "--offline=yes", "--root=" + root, "--threshold=%d" % worst],
                            cwd=empty, env=ENV, capture_output=True, text=True)
        check("threshold at the worst unit passes", p3.returncode == 0)

        # 2. The scan document.
        with open(os.path.join(REPO, "docs", "scan-schema.json")) as f:
            schema = json.load(f)
        p = subprocess.run([tool, "security", "--offline=yes", "--root=" + root, "--format=json"],
                           cwd=empty, env=ENV, capture_output=True, text=True)
        try:
            doc = json.loads(p.stdout)
        except ValueError as e:
            doc = None
            check("scan document is one JSON document", False, str(e))
        if doc is not None:
            errors = validate(doc, schema)
            check("scan document validates against docs/scan-schema.json", not errors, "\n".join(errors[:10]))
            got = sorted((u["unit"], round(u["exposure"] * 10)) for u in doc["units"])
            check("scan document exposures equal the oracle's", got == rows, "%r != %r" % (got, rows))
            bolt = next((u for u in doc["units"] if u["unit"] == "bolt.service"), None)
            setters = {c["id"]: c["set_by"] for c in bolt["checks"]} if bolt else {}
            ok = isinstance(setters.get("PrivateTmp"), dict) and setters["PrivateTmp"]["file"].endswith(
                "bolt.service.d/50-harden.conf") and setters["PrivateTmp"]["line"] == 2
            check("set_by points at the drop-in line", ok, repr(setters.get("PrivateTmp")))
            check("errors list the masked unit",
                  any(e["unit"] == "autofs.service" for e in doc["errors"]), repr(doc["errors"]))
            # The details of one unit agree with the document.
            d = subprocess.run([tool, "security", "--offline=yes", "--root=" + root, "caddy.service"],
                               cwd=empty, env=ENV, capture_output=True, text=True)
            m = re.search(r": (\d+\.\d) ", d.stdout)
            caddy = next((u for u in doc["units"] if u["unit"] == "caddy.service"), None)
            check("document exposure equals the details", bool(m and caddy and float(m.group(1)) == caddy["exposure"]))

        # 3. Folder scan: every unit file below DIR; no way out through symlinks.
        folder = os.path.join(work, "folder")
        os.makedirs(os.path.join(folder, "debian", "nested"))
        outside = os.path.join(work, "outside")
        os.makedirs(outside)
        with open(os.path.join(outside, "evil.service"), "w") as f:
            f.write("[Service]\nExecStart=/bin/true\nUser=canary\n")
        shutil.copy(os.path.join(CORPUS, "at/atd.service"), os.path.join(folder, "debian"))
        shutil.copy(os.path.join(CORPUS, "caddy/caddy.service"), os.path.join(folder, "debian", "nested"))
        os.symlink(os.path.join(outside, "evil.service"), os.path.join(folder, "debian", "evil.service"))
        os.symlink("../../outside/evil.service", os.path.join(folder, "debian", "nested", "evil2.service"))
        p = subprocess.run([tool, "security", "--offline=yes", "--overview", folder], cwd=empty, env=ENV,
                           capture_output=True, text=True)
        units = [l.split()[0] for l in p.stdout.splitlines()[1:]]
        check("folder scan finds the unit files below it", units == ["atd.service", "caddy.service"],
              p.stdout + p.stderr)
        check("symlinks out of the folder are not followed", "canary" not in p.stdout + p.stderr)
        bad = subprocess.run([tool, "security", "--offline=yes", os.path.join(work, "missing")], cwd=empty,
                             env=ENV, capture_output=True, text=True)
        check("a missing argument is an error", bad.returncode != 0 and bad.stderr != "")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
