#!/usr/bin/env python3
"""SARIF output of `hardnut security --format=sarif` (issue 8).

1. The SARIF of the whole corpus (`--offline=yes --format=sarif
   ../shared/corpus/units`), of the same corpus scanned by a relative path (so
   that locations are relative to %SRCROOT%) and of the host (no units: the
   offline overview of the machine) validates against the official SARIF
   2.1.0 JSON schema.

   The schemas are committed in tests/integrations/schemas/ (SOURCE.md
   names the npm packages they come from): SARIF 2.1.0 as Microsoft's SARIF
   SDK validates it (JSON Schema 2020-12) and the rtm.5 draft the OASIS
   standard was published from (draft-04). Both must accept the output.
   They are checked with python3-jsonschema (Debian), formats included:
   the test fails if the "uri" format cannot be checked (python3-rfc3987).
2. Every result points at a real line of a real file; when the scan document
   (`--format=json`, same arguments) says a directive decided the check
   (`set_by`), the result points at that file and line and the line holds that
   directive, a directive the check reads; otherwise it points at the unit's
   section header ([Service], [Socket], ...).
3. One result per failed check, in the scan order; rule ids are the checks'
   `json_field`s (as `--json=short` prints them and the scan document's
   `checks[].id`), `ruleIndex` points at the result's rule, levels follow
   `security-severity`.
4. Fingerprints are the same across two runs and unique within a run.

Usage (from the repository root, as in CI):
    tests/integrations/sarif_test.py [--tool build/dev/hardnut] [--corpus DIR]
Prints `N passed, M failed`; exit 1 on failure, 2 if a prerequisite is
missing and cannot be installed.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

from outcome import check, finish, missing

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus", "units")
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "dumb", "HOME": "/root"}

SCHEMAS = os.path.join(HERE, "schemas")
# file -> the jsonschema validator class for its "$schema"
SCHEMA_FILES = ["sarif-schema-2.1.0.json", "sarif-2.1.0-rtm.5.json"]

# Directives that decide a check besides the one(s) its name names, from
# systemd 252's semantics: DynamicUser= implies a non-root user, RemoveIPC=,
# PrivateTmp=, ProtectSystem=strict, ProtectHome=read-only, NoNewPrivileges=
# and RestrictSUIDSGID=; User= makes RemoveIPC=/SupplementaryGroups= matter;
# PrivateDevices= implies a device policy and drops CAP_MKNOD/CAP_SYS_RAWIO;
# ProtectKernelModules=/ProtectKernelLogs=/ProtectClock= drop capabilities.
IMPLIED = {
    "UserOrDynamicUser": {"User", "DynamicUser"},
    "SupplementaryGroups": {"User", "DynamicUser"},
    "RemoveIPC": {"User", "DynamicUser"},
    "PrivateTmp": {"DynamicUser"},
    "ProtectSystem": {"DynamicUser"},
    "ProtectHome": {"DynamicUser"},
    "NoNewPrivileges": {"DynamicUser"},
    "RestrictSUIDSGID": {"DynamicUser"},
    "DeviceAllow": {"DevicePolicy", "PrivateDevices"},
    "IPAddressDeny": {"IPAddressAllow", "IPIngressFilterPath", "IPEgressFilterPath"},
    "CapabilityBoundingSet_CAP_MKNOD": {"PrivateDevices"},
    "CapabilityBoundingSet_CAP_SYS_RAWIO": {"PrivateDevices"},
    "CapabilityBoundingSet_CAP_SYS_MODULE": {"ProtectKernelModules"},
    "CapabilityBoundingSet_CAP_SYSLOG": {"ProtectKernelLogs"},
    "CapabilityBoundingSet_CAP_SYS_TIME": {"ProtectClock"},
    "CapabilityBoundingSet_CAP_WAKE_ALARM": {"ProtectClock"},
}
SECTIONS = {"service": "Service", "socket": "Socket", "mount": "Mount", "swap": "Swap"}


def validators():
    """The committed schemas as jsonschema validators, with format checks."""
    try:
        import jsonschema
        import jsonschema.validators
    except ImportError:
        missing("python3-jsonschema is needed to validate SARIF (apt-get install python3-jsonschema)")
    out = []
    for name in SCHEMA_FILES:
        with open(os.path.join(SCHEMAS, name)) as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        checker = cls.FORMAT_CHECKER
        # Without rfc3987 jsonschema silently skips "uri": that would make
        # the check weaker than it claims.
        if "uri" not in checker.checkers:
            missing("jsonschema cannot check the uri format (apt-get install python3-rfc3987)")
        out.append((name, cls(schema, format_checker=checker)))
    return out


def schema_errors(validator, doc):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message[:300])
            for e in validator.iter_errors(doc)]


def run_tool(tool, args, cwd, out_path=None):
    p = subprocess.run([tool, "security", "--offline=yes", "--no-pager", *args], cwd=cwd, env=ENV,
                       capture_output=True, text=True)
    if out_path:
        with open(out_path, "w") as f:
            f.write(p.stdout)
    return p


def artifact_path(location, run):
    art = location["physicalLocation"]["artifactLocation"]
    uri = art["uri"]
    if "uriBaseId" in art:
        base = run["originalUriBaseIds"][art["uriBaseId"]]["uri"]
        uri = urllib.parse.urljoin(base, uri)
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme != "file":
        return None
    return urllib.parse.unquote(parsed.path)


def directives_of(check_id, check_name):
    names = {piece.split("=")[0].strip() for piece in check_name.split("/") if "=" in piece}
    return names | IMPLIED.get(check_id, set())


def read_lines(path, cache={}):
    if path not in cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                cache[path] = f.read().split("\n")
            if cache[path] and cache[path][-1] == "":
                cache[path].pop()
        except OSError:
            cache[path] = None
    return cache[path]


def first(items, n=5):
    items = list(items)
    return "\n".join(items[:n]) + ("\n... and %d more" % (len(items) - n) if len(items) > n else "")


def check_log(label, log, doc, json_fields):
    """Checks one SARIF log against the scan document of the same scan."""
    runs = log.get("runs", [])
    check(label + ": one run, tool hardnut", len(runs) == 1 and runs[0]["tool"]["driver"]["name"] == "hardnut",
          "runs: %d" % len(runs))
    if len(runs) != 1:
        return
    run = runs[0]
    rules = run["tool"]["driver"].get("rules", [])
    rule_ids = [r["id"] for r in rules]
    doc_ids = [c["id"] for c in doc["units"][0]["checks"]] if doc["units"] else []
    check(label + ": rule ids are the checks' json_field (as --json=short and the scan document)",
          sorted(rule_ids) == sorted(json_fields) and len(set(rule_ids)) == len(rule_ids)
          and (not doc_ids or sorted(doc_ids) == sorted(rule_ids)),
          "only in rules: %s\nonly in --json=short: %s" % (sorted(set(rule_ids) - set(json_fields)),
                                                             sorted(set(json_fields) - set(rule_ids))))
    check(label + ": every rule has help text naming its directive, and a help URI",
          all(r.get("help", {}).get("text") and r.get("helpUri") and
              r["shortDescription"]["text"].split("=")[0] in r["help"]["text"] for r in rules))

    def band(sev):
        return "error" if sev >= 7.0 else "warning" if sev >= 4.0 else "note"

    bad_rules = [r["id"] for r in rules
                 if not (0.0 <= float(r["properties"]["security-severity"]) <= 10.0 and
                         r["defaultConfiguration"]["level"] == band(float(r["properties"]["security-severity"])))]
    check(label + ": every rule has a security-severity and the matching default level", not bad_rules,
          bad_rules)

    res = run.get("results", [])
    bad_index, bad_level, bad_unit = [], [], []
    for i, r in enumerate(res):
        idx = r.get("ruleIndex")
        if not (isinstance(idx, int) and 0 <= idx < len(rules) and rules[idx]["id"] == r["ruleId"]):
            bad_index.append("result %d: ruleId %s, ruleIndex %s" % (i, r["ruleId"], idx))
        sev = float(r["properties"]["security-severity"])
        want = band(sev)
        if not (0.0 <= sev <= 10.0) or r.get("level") != want:
            bad_level.append("result %d: level %s, security-severity %s" % (i, r.get("level"), sev))
        names = [ll.get("name") for loc in r["locations"] for ll in loc.get("logicalLocations", [])]
        if names != [r["properties"]["unit"]]:
            bad_unit.append("result %d: logical locations %s, unit %s" % (i, names, r["properties"]["unit"]))
    check(label + ": ruleIndex points at the result's rule", not bad_index, first(bad_index))
    check(label + ": levels follow security-severity (>= 7 error, >= 4 warning, else note)", not bad_level,
          first(bad_level))
    check(label + ": the logical location is the unit", not bad_unit, first(bad_unit))

    # Results grouped by unit, in scan order, against the scan document's failed checks.
    # Two folders may hold units of the same name: a unit is its name and file.
    groups = []
    for r in res:
        unit = (r["properties"]["unit"], r["properties"]["unitFile"])
        if not groups or groups[-1][0] != unit:
            groups.append((unit, []))
        groups[-1][1].append(r)
    expected = [(u, u_checks) for u in doc["units"]
                for u_checks in [[c for c in u["checks"] if c["result"] == "fail"]] if u_checks]
    check(label + ": one result per failed check, in scan order (%d results)" % len(res),
          [((u["unit"], u["source"]), sorted(c["id"] for c in cs)) for u, cs in expected]
          == [(u, sorted(r["ruleId"] for r in rs)) for u, rs in groups],
          "units with failed checks: %d, result groups: %d" % (len(expected), len(groups)))

    not_real, wrong_place, wrong_directive, not_header = [], [], [], []
    decided = 0
    for (u, cs), (_, rs) in zip(expected, groups):
        by_id = {c["id"]: c for c in cs}
        unit_suffix = u["unit"].rsplit(".", 1)[-1]
        for r in rs:
            c = by_id.get(r["ruleId"])
            loc = r["locations"][0]
            path = artifact_path(loc, run)
            line = loc["physicalLocation"].get("region", {}).get("startLine")
            lines = read_lines(path) if path else None
            where = "%s %s -> %s:%s" % (u["unit"], r["ruleId"], path, line)
            if lines is None or not isinstance(line, int) or not 1 <= line <= len(lines):
                not_real.append(where + " (file has %s lines)" % (len(lines) if lines is not None else "no"))
                continue
            text = lines[line - 1]
            if c is None:
                continue
            set_by = c["set_by"]
            if isinstance(set_by, dict):
                decided += 1
                if (os.path.realpath(path), line) != (os.path.realpath(set_by["file"]), set_by["line"]):
                    wrong_place.append(where + " but set_by %s:%s" % (set_by["file"], set_by["line"]))
                elif not re.match(r"\s*%s\s*=" % re.escape(set_by["directive"]), text) or \
                        set_by["directive"] not in directives_of(c["id"], c["name"]):
                    wrong_directive.append(where + ": %r does not set %s= (check %s)" %
                                           (text, set_by["directive"], c["name"]))
            else:
                header = "[%s]" % SECTIONS.get(unit_suffix, "Service")
                has_header = any(x.strip() == header for x in lines)
                if text.strip() != header and (has_header or line != 1):
                    not_header.append(where + ": %r is not the %s header" % (text, header))
    check(label + ": every result points at a real line of a real file", not not_real, first(not_real))
    check(label + ": checks decided by a directive point at its file and line (%d results)" % decided,
          not wrong_place, first(wrong_place))
    check(label + ": ... and that line sets that directive, one the check reads", not wrong_directive,
          first(wrong_directive))
    check(label + ": checks decided by no directive point at the unit's section header", not not_header,
          first(not_header))

    fps = [r.get("partialFingerprints", {}).get("hardnutFinding/v1") for r in res]
    dups = [(fp, n) for fp, n in collections.Counter(fps).items() if n > 1]
    where = collections.defaultdict(list)
    for r, fp in zip(res, fps):
        where[fp].append("%s %s in %s" % (r["properties"]["unit"], r["ruleId"], artifact_path(r["locations"][0], run)))
    check(label + ": every result has a fingerprint, unique in the run",
          all(fps) and not dups,
          "%d fingerprints shared by several results, e.g.\n%s" %
          (len(dups), first(" / ".join(where[fp][:2]) for fp, _ in dups)))


def fingerprints(log):
    return [(r["properties"]["unit"], r["ruleId"], json.dumps(r.get("partialFingerprints"), sort_keys=True))
            for r in log["runs"][0]["results"]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", default=os.environ.get("HARDNUT", os.path.join(REPO, "build", "dev", "hardnut")))
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = ap.parse_args()
    tool = os.path.abspath(args.tool)
    if not os.access(tool, os.X_OK):
        missing("no hardnut binary at %s (build it: cmake --preset dev && cmake --build --preset dev)" % tool)
    if not os.path.isdir(args.corpus):
        missing("no corpus at %s" % args.corpus)
    corpus = os.path.abspath(args.corpus)
    schema_validators = validators()

    with tempfile.TemporaryDirectory() as tmp:
        unit = os.path.join(tmp, "probe.service")
        with open(unit, "w") as f:
            f.write("[Service]\nExecStart=/bin/true\n")
        # The checks' json_field as systemd-analyze's JSON names them.
        p = run_tool(tool, ["--json=short", unit], tmp)
        json_fields = [row["json_field"] for row in json.loads(p.stdout)]
        check("--json=short names %d checks" % len(json_fields), len(json_fields) > 0, p.stderr)

        scans = [
            # label, arguments, working directory
            ("corpus", [corpus], REPO),
            ("corpus by a relative path", [os.path.basename(corpus)], os.path.dirname(corpus)),
            ("host", [], REPO),
        ]
        logs, docs, files = {}, {}, []
        for label, scan_args, cwd in scans:
            path = os.path.join(tmp, re.sub(r"\W+", "_", label) + ".sarif")
            p = run_tool(tool, ["--format=sarif", *scan_args], cwd, path)
            check("%s: --format=sarif exits 0" % label, p.returncode == 0, p.stderr[-1000:])
            q = run_tool(tool, ["--format=json", *scan_args], cwd)
            try:
                logs[label] = json.loads(p.stdout)
                docs[label] = json.loads(q.stdout)
            except ValueError as e:
                check("%s: output is JSON" % label, False, str(e))
                continue
            files.append((label, path))

        for label, path in files:
            for name, validator in schema_validators:
                errors = schema_errors(validator, logs[label])
                check("%s: valid SARIF 2.1.0 (%s, %d results)" %
                      (label, name, len(logs[label]["runs"][0].get("results", []))), not errors, first(errors))
            check_log(label, logs[label], docs[label], json_fields)

        if "corpus" in logs:
            again = run_tool(tool, ["--format=sarif", corpus], REPO)
            try:
                second = json.loads(again.stdout)
            except ValueError:
                second = None
            first_fps = fingerprints(logs["corpus"])
            check("corpus: fingerprints are the same in a second run (%d results)" % len(first_fps),
                  second is not None and fingerprints(second) == first_fps)
            if "corpus by a relative path" in logs:
                check("corpus: fingerprints do not depend on the working directory",
                      fingerprints(logs["corpus by a relative path"]) == first_fps)

    finish()


if __name__ == "__main__":
    main()
