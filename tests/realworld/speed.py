#!/usr/bin/env python3
"""Times shiplight against nixpacks on the real-world corpus: for each pinned repository (see
run.py), the median wall time of `shiplight init --stdout --yes` and of `nixpacks plan` on the
same exported tree, measured in the same run, with the ratio. nixpacks must be on the PATH
(`cargo install nixpacks --version 1.41.0`).

Usage: python3 tests/realworld/speed.py BINARY   (a release build: cargo build --release)
"""

import importlib.util
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("corpus", HERE / "run.py")
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)


def median(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result.returncode


def main():
    binary = sys.argv[1]
    if not shutil.which("nixpacks"):
        sys.exit("nixpacks is not on the PATH: cargo install nixpacks --version 1.41.0")
    print("| repository | shiplight | nixpacks plan | ratio |\n|---|---|---|---|")
    ratios = []
    for repo, commit, subdir in corpus.corpus():
        with tempfile.TemporaryDirectory(prefix="shiplight-speed-") as tmp:
            root = corpus.export(repo, commit, pathlib.Path(tmp))
            if root is None:
                continue
            app = root / subdir
            ours, code = median([binary, "init", "--stdout", "--yes", str(app)], 11)
            theirs, their_code = median(["nixpacks", "plan", str(app)], 5)
            note = "" if code == 0 else " (refused)"
            theirs_note = "" if their_code == 0 else " (failed)"
            ratio = theirs / ours
            ratios.append(ratio)
            name = repo + (f" ({subdir})" if subdir != "." else "")
            print(f"| {name} | {ours:.1f} ms{note} | {theirs:.1f} ms{theirs_note} | {ratio:.1f}x |",
                  flush=True)
    print(f"\n{len(ratios)} repositories; shiplight faster on {sum(r > 1 for r in ratios)}; "
          f"median ratio {statistics.median(ratios):.1f}x, lowest {min(ratios):.1f}x")


if __name__ == "__main__":
    main()
