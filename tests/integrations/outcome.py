"""What every integration test prints: a PASS/FAIL line per check and
`N passed, M failed` at the end; exit 1 on a failure, 2 when a prerequisite
is missing (the test then did not run, which counts as a failure)."""

import os
import sys

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else "\n    " + str(detail).replace("\n", "\n    ")))


def missing(message):
    print("%s: %s" % (os.path.basename(sys.argv[0]).removesuffix(".py"), message), file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(2)


def finish():
    failed = results.count(False)
    print("%d passed, %d failed" % (results.count(True), failed))
    sys.exit(1 if failed else 0)
