#!/usr/bin/env python3
"""Deterministic generator of service unit files that resemble the corpus.

    gen_units.py N OUTDIR [--seed S] [--corpus DIR] [--per-dir K] [--dropin-share F]
    gen_units.py --stats [--corpus DIR]

The model is measured from the real corpus (../shared/corpus/units by default,
read-only) each time the script runs:

* skeletons: every `.service` file of the corpus (templates `foo@.service`
  included), parsed into its sequence of lines: section headers, comments,
  blank lines and `Key=value` directives (continuation lines kept);
* value pools: for every (section, key), every value the corpus gives it.

Unit i is built from its own RNG seeded with "SEED:i" (so unit i is the same
whatever N is, and the 1,000 set is a prefix of the 10,000 set): a skeleton
is drawn uniformly, and each directive keeps its key and position but takes a
value drawn from that key's pool of non-empty values.  Keys whose value
decides whether the unit loads at all (Type=, Restart=, RemainAfterExit=) and empty
values (resets such as `ExecStart=` before a new one) keep the skeleton's
value; BusName= keeps it with a per-unit suffix (systemd refuses two services
with one bus name in a process).
So the share of files that set each directive, directives per file, comments,
continuations, file sizes and the template share follow the corpus, while the
values are recombined.  A unit gets a drop-in directory `NAME.d/50-bench.conf`
with the corpus's share of services that ship one (4 of 478 there); its body is
a corpus drop-in with values redrawn the same way.

Files go into OUTDIR/dNNNN/ folders of K units each (K=1000 by default, 0 for
a flat OUTDIR); names are `<skeleton stem>-gNNNNNN.service` (or `@.service`).
"""

import argparse
import collections
import os
import random
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "corpus", "units"))

# Keys whose value must stay with the skeleton's other directives for the unit
# to load (Type=simple with several ExecStart=, Type=dbus without BusName=, ...).
KEEP_KEYS = {("[Service]", "Type"), ("[Service]", "Restart"), ("[Service]", "RemainAfterExit")}


def parse(path):
    """Logical lines of a unit file: ('raw', text) or ('kv', section, key, value)."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        phys = f.read().split("\n")
    if phys and phys[-1] == "":
        phys.pop()
    out, section, i = [], None, 0
    while i < len(phys):
        line = phys[i]
        s = line.strip()
        if not s or s[0] in "#;":
            out.append(("raw", line))
            i += 1
            continue
        if s.startswith("["):
            section = s
            out.append(("raw", line))
            i += 1
            continue
        # A directive, possibly continued with a trailing backslash.
        buf = [line]
        while buf[-1].endswith("\\") and i + 1 < len(phys):
            i += 1
            buf.append(phys[i])
        i += 1
        text = "\n".join(buf)
        if "=" not in text:
            out.append(("raw", text))
            continue
        key, value = text.split("=", 1)
        out.append(("kv", section, key.strip(), value))
    return out


class Model:
    def __init__(self, corpus):
        if not os.path.isdir(corpus):
            sys.exit(f"gen_units.py: corpus folder {corpus} not found (use --corpus)")
        services, dropins, dropin_dirs = [], [], 0
        for root, dirs, files in os.walk(corpus):
            dirs.sort()
            in_dropin = root.endswith(".d")
            if in_dropin and os.path.basename(root).endswith(".service.d"):
                dropin_dirs += 1
            for name in sorted(files):
                p = os.path.join(root, name)
                if in_dropin and name.endswith(".conf"):
                    dropins.append(p)
                elif not in_dropin and name.endswith(".service"):
                    services.append(p)
        if not services:
            sys.exit(f"gen_units.py: no .service files below {corpus}")
        services.sort()
        dropins.sort()
        self.corpus = corpus
        self.skeletons = [(os.path.basename(p), parse(p)) for p in services]
        self.sizes = [os.path.getsize(p) for p in services]
        self.dropin_skeletons = [parse(p) for p in dropins]
        self.dropin_share = dropin_dirs / len(services)
        # Non-empty values only: an empty value (a reset) stays where the
        # skeleton has one, and nowhere else.
        self.pools = collections.defaultdict(list)
        for _, lines in self.skeletons + [("", d) for d in self.dropin_skeletons]:
            for item in lines:
                if item[0] == "kv" and item[3].strip():
                    self.pools[(item[1], item[2])].append(item[3])

    def render(self, lines, rng, tag):
        out = []
        for item in lines:
            if item[0] == "raw":
                out.append(item[1])
                continue
            _, section, key, value = item
            if (section, key) == ("[Service]", "BusName") and value.strip():
                # One bus name per service: systemd refuses a second unit
                # with the same name in one process.
                value = f"{value.strip()}.{tag}"
            elif (section, key) not in KEEP_KEYS and value.strip():
                value = rng.choice(self.pools[(section, key)])
            out.append(f"{key}={value}")
        return "\n".join(out) + "\n"

    def unit(self, seed, i, dropin_share):
        """(file name, body, drop-in body or None) of unit i."""
        rng = random.Random(f"{seed}:{i}")
        name, lines = rng.choice(self.skeletons)
        stem = name[: -len(".service")]
        if stem.endswith("@"):
            fname = f"{stem[:-1]}-g{i:06d}@.service"
        else:
            fname = f"{stem}-g{i:06d}.service"
        body = self.render(lines, rng, f"g{i:06d}")
        dropin = None
        if self.dropin_skeletons and rng.random() < dropin_share:
            dropin = self.render(rng.choice(self.dropin_skeletons), rng, f"g{i:06d}")
        return fname, body, dropin

    def stats(self):
        files = len(self.skeletons)
        per_key = collections.Counter()
        ndirs, templates, conts, comments = [], 0, 0, 0
        for name, lines in self.skeletons:
            templates += name.endswith("@.service")
            keys = {(it[1], it[2]) for it in lines if it[0] == "kv"}
            per_key.update(keys)
            ndirs.append(sum(1 for it in lines if it[0] == "kv"))
            conts += sum(1 for it in lines if it[0] == "kv" and "\\\n" in it[3])
            comments += sum(1 for it in lines if it[0] == "raw" and it[1].lstrip()[:1] in ("#", ";"))
        q = statistics.quantiles(self.sizes, n=10)
        print(f"corpus: {self.corpus}")
        print(f"service files: {files} ({templates} templates, {templates / files:.1%})")
        print(f"file size bytes: median {statistics.median(self.sizes):.0f}, mean {statistics.mean(self.sizes):.0f}, "
              f"p10 {q[0]:.0f}, p90 {q[-1]:.0f}, max {max(self.sizes)}")
        print(f"directives per file: median {statistics.median(ndirs):.0f}, mean {statistics.mean(ndirs):.1f}, "
              f"max {max(ndirs)}; comment lines {comments}; continued directives {conts}")
        print(f"services with a drop-in dir: {self.dropin_share:.2%} ({len(self.dropin_skeletons)} drop-in files)")
        print(f"distinct (section, key): {len(self.pools)}; share of files setting each (top 40):")
        for (sec, key), n in per_key.most_common(40):
            print(f"  {n / files:6.1%}  {sec} {key}")


def generate(model, n, outdir, seed, per_dir, dropin_share):
    os.makedirs(outdir, exist_ok=True)
    made_dirs = set()
    total_bytes, dropins, templates = 0, 0, 0
    for i in range(n):
        fname, body, dropin = model.unit(seed, i, dropin_share)
        d = os.path.join(outdir, f"d{i // per_dir:04d}") if per_dir > 0 else outdir
        if d not in made_dirs:
            os.makedirs(d, exist_ok=True)
            made_dirs.add(d)
        data = body.encode("utf-8", "surrogateescape")
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)
        total_bytes += len(data)
        templates += fname.endswith("@.service")
        if dropin is not None:
            dd = os.path.join(d, fname + ".d")
            os.makedirs(dd, exist_ok=True)
            data = dropin.encode("utf-8", "surrogateescape")
            with open(os.path.join(dd, "50-bench.conf"), "wb") as f:
                f.write(data)
            total_bytes += len(data)
            dropins += 1
    return {"units": n, "templates": templates, "dropins": dropins, "bytes": total_bytes}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", nargs="?", type=int, help="number of units to generate")
    ap.add_argument("outdir", nargs="?", help="folder to write into (created)")
    ap.add_argument("--seed", default="hardnut-bench", help="seed (default %(default)s)")
    ap.add_argument("--corpus", default=os.environ.get("HARDNUT_CORPUS", DEFAULT_CORPUS),
                    help="corpus units folder (default %(default)s)")
    ap.add_argument("--per-dir", type=int, default=1000, help="units per subfolder, 0 = flat (default %(default)s)")
    ap.add_argument("--dropin-share", type=float, default=None,
                    help="share of units with a drop-in (default: the corpus's)")
    ap.add_argument("--stats", action="store_true", help="print the measured corpus distribution and exit")
    args = ap.parse_args()
    model = Model(args.corpus)
    if args.stats:
        model.stats()
        return
    if args.n is None or args.outdir is None:
        ap.error("N and OUTDIR are required (or --stats)")
    share = model.dropin_share if args.dropin_share is None else args.dropin_share
    r = generate(model, args.n, args.outdir, args.seed, args.per_dir, share)
    print(f"gen_units.py: {r['units']} units ({r['templates']} templates, {r['dropins']} with a drop-in), "
          f"{r['bytes']} bytes in {args.outdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
