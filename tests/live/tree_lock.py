"""One booted system per tree at a time.

The live suites run in parallel with each other (test.sh, ctest -j), but two
runs on the same tree (the plain and the sanitizer build's live_v252) would
stop each other's system. Each run holds an exclusive lock on a file beside
the tree's state directory for as long as it uses the tree; a second run waits.
"""
import fcntl
import os
import sys
import time


def hold(state_dir):
    """Blocks until this process owns the tree; the lock ends with the process."""
    path = state_dir.rstrip("/") + ".lock"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle = open(path, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        started = time.time()
        print("waiting for another run to release %s" % path, file=sys.stderr, flush=True)
        fcntl.flock(handle, fcntl.LOCK_EX)
        print("got %s after %.0f s" % (path, time.time() - started), file=sys.stderr, flush=True)
    return handle
