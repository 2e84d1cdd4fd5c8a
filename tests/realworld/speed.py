#!/usr/bin/env python3
"""Times shiplight against nixpacks 1.41.0 on every repository of both corpora (corpus.tsv and
next/*.tsv): for each pinned repository, the wall time of `shiplight init --stdout --yes` and of
`nixpacks plan` on the same exported tree, measured in the same run. The goal for each is
max(3 ms, nixpacks / 5); the run exits 1 when any repository misses it. nixpacks must be on the
PATH (`cargo install nixpacks --version 1.41.0`).

Measurement: the binary is copied first, as an install copies it: one the linker has just
written sits in the page cache in small pieces, and on the host of the README's table each run
of it took 0.5 to 0.7 ms longer than a run of the same bytes copied. After one untimed run of
each (the files in the page cache for both), the two commands run RUNS times each, alternately,
and each side's time is the fastest of its runs. Alternating gives both the same background
load, and the fastest run is the one least disturbed by it (other processes on a shared machine
only ever add time); a median of a different number of runs taken at different moments judged
the two sides under different loads.

Usage: python3 tests/realworld/speed.py BINARY [--only OWNER/NAME ...] [--readme]
       (BINARY: the release binary as it ships, static with musl (docs/release.md):
       CC_x86_64_unknown_linux_musl=musl-gcc cargo build --release --locked
       --target x86_64-unknown-linux-musl --target-dir target/musl; where rustup cannot fetch
       that target, the static glibc build of the release check stands in:
       RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked
       --target x86_64-unknown-linux-gnu --target-dir target/static)
"""

import argparse
import importlib.util
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("corpus", HERE / "run.py")
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)
FLOOR_MS = 3.0
RUNS = 9


def every_repository():
    """(repo, commit, directory) of corpus.tsv, then of each next/<stack>.tsv."""
    yield from corpus.corpus()
    for table in sorted((HERE / "next").glob("*.tsv")):
        for line in table.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                repo, commit, subdir = (line.split("\t") + ["", ""])[:3]
                yield repo, commit, subdir or "."


def timed(command):
    """(wall time in ms, exit code) of one run of `command`."""
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000, result.returncode


def fastest_alternately(ours, theirs, runs):
    """The fastest of `runs` runs of each command, run alternately, with each one's exit code."""
    timed(ours), timed(theirs)
    our_times, their_times = [], []
    for _ in range(runs):
        our_times.append(timed(ours))
        their_times.append(timed(theirs))
    return min(our_times)[0], our_times[-1][1], min(their_times)[0], their_times[-1][1]


def record(text):
    readme = HERE / "README.md"
    begin, end = "<!-- speed:begin -->", "<!-- speed:end -->"
    current = readme.read_text()
    if begin not in current or end not in current:
        sys.exit(f"{readme} has no {begin} ... {end} section")
    head, rest = current.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(head + begin + "\n" + text + end + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--only", action="append",
                        help="time only this repository (OWNER/NAME); may be given again")
    parser.add_argument("--readme", action="store_true",
                        help="write the table into README.md between its speed markers")
    args = parser.parse_args()
    if not shutil.which("nixpacks"):
        sys.exit("nixpacks is not on the PATH: cargo install nixpacks --version 1.41.0")
    with tempfile.TemporaryDirectory(prefix="shiplight-speed-bin-") as installed:
        binary = shutil.copy2(pathlib.Path(args.binary).resolve(), installed)
        return time_all(args, str(binary))


def time_all(args, binary):
    """Times every repository (those of --only, when given) with `binary`; 1 when one misses."""
    lines = ["| repository | shiplight | nixpacks plan | goal | |", "|---|---|---|---|---|"]
    missed, measured, seen = [], 0, set()
    for repo, commit, subdir in every_repository():
        if (args.only and repo not in args.only) or (repo, subdir) in seen:
            continue
        seen.add((repo, subdir))
        with tempfile.TemporaryDirectory(prefix="shiplight-speed-") as tmp:
            try:
                root = corpus.export(repo, commit, pathlib.Path(tmp))
            except subprocess.CalledProcessError:
                root = None
            if root is None:
                continue
            app = root / subdir
            ours, code, theirs, their_code = fastest_alternately(
                [binary, "init", "--stdout", "--yes", str(app)], ["nixpacks", "plan", str(app)],
                RUNS)
        goal = max(FLOOR_MS, theirs / 5)
        measured += 1
        ok = ours <= goal
        if not ok:
            missed.append(repo)
        name = repo + (f" ({subdir})" if subdir != "." else "")
        note = "" if code == 0 else " (refused)"
        their_note = "" if their_code == 0 else " (failed)"
        line = (f"| {name} | {ours:.1f} ms{note} | {theirs:.1f} ms{their_note} | {goal:.1f} ms "
                f"| {'ok' if ok else 'MISSED'} |")
        lines.append(line)
        print(line, file=sys.stderr, flush=True)
    lines += ["", f"{measured} repositories; {measured - len(missed)} within "
              f"max({FLOOR_MS:.0f} ms, nixpacks / 5); missed: {', '.join(missed) or 'none'}"]
    text = "\n".join(lines) + "\n"
    if args.readme:
        record(text)
    print(text)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
