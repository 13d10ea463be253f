#!/usr/bin/env python3
"""Fails when a file of src/ includes a stage it may not use.

Each folder of src/ is a stage; its CMakeLists.txt lists, in
`hardnut_stage(NAME USES ...)`, the stages below it that it may include
(the same list links them). This check reads those lists and every
`#include "stage/file.h"` of src/, and reports:
  - an include of a stage that the including stage does not list
    (an include that climbs, or one between siblings such as live/ and
    harden/);
  - an include without a stage folder, or of a folder that is no stage;
  - a cycle in the USES lists themselves;
  - inside cli/, the offline and the live verb including each other
    (they are siblings; only security_command chooses between them).
Test files (*_test.cc, *_test.h) may also include testing/, the fixtures
that run whole verbs; nothing else may.

--self-test copies src/ to a scratch directory, adds an upward include
to a lower stage and a sibling include, and checks that each is reported.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

STAGE_CALL = re.compile(r"hardnut_stage\(\s*(\w+)(.*?)\)", re.S)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
TEST_ONLY = "testing"
# Files of one stage that must not include each other.
SIBLING_FILES = [("cli/offline_command", "cli/live_command")]


def read_stages(src):
    stages = {}
    for name in sorted(os.listdir(src)):
        cmake = os.path.join(src, name, "CMakeLists.txt")
        if not os.path.isfile(cmake):
            continue
        m = STAGE_CALL.search(open(cmake).read())
        if not m or m.group(1) != name:
            raise SystemExit(f"{cmake}: no hardnut_stage({name} ...)")
        words = m.group(2).split()
        uses, keyword = set(), None
        for w in words:
            if w.isupper():
                keyword = w
            elif keyword == "USES":
                uses.add(w)
        stages[name] = uses
    return stages


def find_cycle(stages):
    state = {}

    def visit(s, path):
        state[s] = "open"
        for u in sorted(stages.get(s, ())):
            if state.get(u) == "open":
                return path + [s, u]
            if u not in state:
                found = visit(u, path + [s])
                if found:
                    return found
        state[s] = "done"
        return None

    for s in sorted(stages):
        if s not in state:
            found = visit(s, [])
            if found:
                return found
    return None


def check(src):
    problems = []
    stages = read_stages(src)
    for s, uses in sorted(stages.items()):
        for u in sorted(uses - set(stages)):
            problems.append(f"src/{s}/CMakeLists.txt: USES {u}, which is no stage")
    cycle = find_cycle(stages)
    if cycle:
        problems.append("USES lists form a cycle: " + " -> ".join(cycle))
    known = set(stages) | {TEST_ONLY}
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        if folder not in known:
            problems.append(f"src/{folder}/: a folder that is no stage")
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith((".cc", ".h")):
                continue
            rel = f"{folder}/{name}"
            is_test = re.search(r"_test\.(cc|h)$", name) is not None
            # A verb's test counts as the verb: it may not include the sibling either.
            stem = re.sub(r"_test$", "", rel.rsplit(".", 1)[0])
            for inc in INCLUDE.findall(open(os.path.join(path, name)).read()):
                if inc.startswith("../"):
                    continue  # test fixtures outside src/ (tests/, fuzz/)
                target = inc.split("/")[0] if "/" in inc else None
                if target is None or target not in known:
                    problems.append(f"src/{rel}: #include \"{inc}\" names no stage folder")
                    continue
                if folder == TEST_ONLY:
                    continue  # whole-verb fixtures: may use everything
                if target == TEST_ONLY:
                    if not is_test:
                        problems.append(f"src/{rel}: includes {inc}, which only tests may")
                    continue
                if target != folder and target not in stages[folder]:
                    problems.append(
                        f"src/{rel}: includes {inc}: stage {folder}/ may use only "
                        f"{', '.join(sorted(stages[folder])) or 'nothing'}")
                for a, b in SIBLING_FILES:
                    if {stem, inc.rsplit(".", 1)[0]} == {a, b}:
                        problems.append(f"src/{rel}: includes {inc}: {a} and {b} are siblings")
    return problems


def self_test(src):
    scratch = tempfile.mkdtemp(prefix="hardnut-layers-")
    try:
        copy = os.path.join(scratch, "src")
        shutil.copytree(src, copy)
        if check(copy):
            print("self-test: the unchanged tree should pass")
            return 1
        cases = [
            ("model/exec_settings.h", '#include "report/report.h"\n', "model/ may use only"),
            ("live/live_source.h", '#include "harden/harden.h"\n', "live/ may use only"),
            ("cli/offline_command.cc", '#include "cli/live_command.h"\n', "are siblings"),
            ("unit/loader.cc", '#include "loader.h"\n', "names no stage folder"),
            ("assess/checks.cc", '#include "testing/test_files.h"\n', "only tests may"),
        ]
        failed = 0
        for rel, line, expected in cases:
            target = os.path.join(copy, rel)
            original = open(target).read()
            open(target, "w").write(line + original)
            found = [p for p in check(copy) if expected in p and rel in p]
            open(target, "w").write(original)
            print(f"self-test: {line.strip()} in {rel}: {'reported' if found else 'NOT reported'}")
            failed += not found
        return 1 if failed else 0
    finally:
        shutil.rmtree(scratch)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join(os.path.dirname(__file__), "..", "..", "src"))
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    src = os.path.abspath(args.src)
    if args.self_test:
        return self_test(src)
    problems = check(src)
    for p in problems:
        print(p)
    print(f"src/ checked: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
