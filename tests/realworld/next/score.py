#!/usr/bin/env python3
"""Scores shiplight against the oracles of the next corpus (the <stack>.tsv files beside this
script): for each repository, exports the pinned commit from its snapshot under MIRRORS, runs
`shiplight explain --json` and `shiplight init --stdout --yes --only dockerfile` in the
application's directory, first as found, then blind (with the repository's own deployment
descriptors deleted), and compares the runtime family and what the final stage runs with the
oracle. Prints a Markdown table and per-stack totals.

Results, per mode:
  right          family and entry agree with the oracle
  refused-tie    exit 2 naming the oracle's program among its candidates (right when the note
                 says the repository holds several products or a real tie)
  refused        any other exit 2 (the first line of the error is shown)
  wrong-family   another runtime family, or another stack altogether
  wrong-entry    the family agrees, the program the image runs does not
  error          exit 1, a crash or a timeout

Usage: python3 tests/realworld/next/score.py BINARY [--stack S] [--only OWNER/NAME] [--out FILE.md]
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE.parent))
from run import export  # noqa: E402

STACKS = ["go", "rust", "python", "node", "java", "php"]
TIMEOUT = 20
DESCRIPTOR_FILES = [
    re.compile(p) for p in (
        r"(?i)^(Dockerfile|Containerfile).*$", r"(?i)^.*\.dockerfile$",
        r"(?i)^docker-compose.*\.ya?ml$", r"(?i)^compose.*\.ya?ml$", r"(?i)^Procfile.*$",
        r"^fly\.toml$", r"^app\.json$", r"^app\.yaml$", r"^render\.yaml$",
        r"^railway\.(json|toml)$", r"^\.goreleaser\.ya?ml$", r"^nixpacks\.toml$",
    )
]
DESCRIPTOR_DIRS = {"k8s", "kubernetes", "helm", "charts"}


def corpus(stacks, only):
    """Yields one dict per corpus line of the chosen stacks."""
    for stack in stacks:
        for line in (HERE / f"{stack}.tsv").read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = (line.split("\t") + [""] * 7)[:7]
            repo, commit, subdir, descriptor, family, entry, note = cells
            if only and repo != only:
                continue
            yield dict(repo=repo, commit=commit, subdir=subdir or ".", descriptor=descriptor,
                       family=family.strip(), entry=entry.strip(), note=note.strip(), stack=stack)


SOURCE = re.compile(r"\.(go|rs|py|js|mjs|cjs|ts|java|kt|php)$")


def holds_source(directory):
    """Whether a directory holds source code (a Go package named helm or k8s is no manifest)."""
    return any(SOURCE.search(name) for _, _, files in os.walk(directory) for name in files)


def strip_descriptors(root):
    """Deletes the repository's own deployment descriptors under root: the descriptor files,
    and the directories of Kubernetes manifests and Helm charts that hold no source code."""
    for here, dirs, files in os.walk(root, topdown=True):
        base = pathlib.Path(here)
        for name in list(dirs):
            path = base / name
            relative = path.relative_to(root).as_posix()
            if ((name in DESCRIPTOR_DIRS or relative.endswith("deploy/kubernetes"))
                    and not holds_source(path)):
                shutil.rmtree(path, ignore_errors=True)
                dirs.remove(name)
        for name in files:
            if any(p.match(name) for p in DESCRIPTOR_FILES):
                (base / name).unlink(missing_ok=True)


def environment():
    return {k: v for k, v in os.environ.items() if not k.startswith("SHIPLIGHT_")}


def invoke(binary, args, cwd):
    """Runs shiplight; returns (exit code, stdout, stderr), exit code None on a timeout."""
    try:
        result = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=TIMEOUT, env=environment())
        return result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"timeout after {TIMEOUT} s"


def final_stage(dockerfile):
    """The final stage's ENTRYPOINT and CMD (exec-form arrays; shell form as one string) and its
    `# Detected:` header lines."""
    entrypoint, cmd = [], []
    for line in dockerfile.splitlines():
        if re.match(r"(?i)^FROM\s", line):
            entrypoint, cmd = [], []
        match = re.match(r"(?i)^(ENTRYPOINT|CMD)\s+(.*)$", line)
        if match:
            try:
                value = json.loads(match.group(2))
            except ValueError:
                value = [match.group(2)]
            if match.group(1).upper() == "ENTRYPOINT":
                entrypoint = value
            else:
                cmd = value
    detected = [line[len("# Detected:"):].strip() for line in dockerfile.splitlines()
                if line.startswith("# Detected:")]
    return entrypoint, cmd, detected


def run_mode(binary, project):
    """Runs explain and init in project; returns what the scoring needs."""
    code, out, err = invoke(binary, ["explain", "--json", "."], project)
    if code != 0:
        return dict(code=code, error=err)
    try:
        plan = json.loads(out)
    except ValueError:
        return dict(code=1, error="explain --json printed no JSON")
    code, out, err = invoke(binary, ["init", "--stdout", "--yes", "--only", "dockerfile", "."],
                            project)
    if code != 0:
        return dict(code=code, error=err)
    entrypoint, cmd, detected = final_stage(out)
    return dict(code=0, plan=plan, entrypoint=entrypoint, cmd=cmd, detected=detected,
                dockerfile=out)


def basename(token):
    return token.rstrip("/").rsplit("/", 1)[-1]


def stem(token):
    return re.sub(r"\.(js|mjs|cjs|ts|py|jar|sh|php)$", "", basename(token))


def run_tokens(result):
    """Every word of what the final stage runs, plus the program shiplight named."""
    words = []
    for part in result["entrypoint"] + result["cmd"]:
        words.extend(str(part).split())
    app = result["plan"].get("app") or {}
    words.extend(str(app.get(k) or "") for k in ("binary", "image_name"))
    return [w.strip("'\"") for w in words if w]


def oracle_words(entry):
    """The oracle's command: the part after the last `->`, without the parenthesised remarks."""
    command = entry.split("->")[-1]
    command = re.sub(r"\([^)]*\)", " ", command)
    return [w.strip("'\",") for w in command.split() if w.strip("'\",")]


def go_entry(oracle, result):
    """Go: the oracle's program (first word) is the basename of a word the image runs, or the
    binary shiplight builds."""
    words = oracle_words(oracle)
    return bool(words) and basename(words[0]) in {basename(w) for w in run_tokens(result)}


def rust_entry(oracle, result):
    """Rust: as for Go, the binary's basename."""
    return go_entry(oracle, result)


MODULE_OBJECT = r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*"
SERVERS = {"gunicorn", "uvicorn", "granian", "hypercorn", "daphne", "waitress-serve"}


def python_entry(oracle, result):
    """Python: the oracle's module:object, `-m` module, script or console script (the program
    after python, gunicorn, uvicorn, granian) appears in what the image runs; a module:object
    also agrees with its module alone."""
    words = oracle_words(oracle)
    keys = set()
    for i, word in enumerate(words):
        if re.match(MODULE_OBJECT, word):
            module = word.split(":")[0]
            keys.update({word.split("(")[0], module, module.split(".")[-1]})
        elif word.endswith(".py"):
            keys.add(stem(word))
        elif word == "-m" and i + 1 < len(words):
            keys.add(words[i + 1])
        elif i and basename(words[0]) in SERVERS and re.match(r"^[A-Za-z_]\w*(\.\w+)+$", word):
            keys.update({word, word.split(".")[0]})
    if words:
        first = basename(words[0])
        if first.startswith("python"):
            rest = [w for w in words[1:] if not w.startswith("-")]
            if rest and not keys:
                keys.add(stem(rest[0]))
        elif first not in SERVERS:
            keys.add(first)
    text = " ".join(run_tokens(result))
    found = {stem(w) for w in run_tokens(result)}
    for word in run_tokens(result):
        if re.match(MODULE_OBJECT, word):
            module = word.split(":")[0]
            found.update({word.split("(")[0], module, module.split(".")[-1]})
    return any(k in found or k in text.split() for k in keys)


def node_entry(oracle, result):
    """Node: for a web oracle, a static site served (the family settles it); otherwise the
    script node runs has the oracle's basename (extension aside), or the same package script
    (npm/pnpm/yarn start...) run by the package manager; `next start` agrees with `next start`
    only (a Next.js standalone server.js is another program). A script named without an
    extension may be a directory, which node runs as its index file (`node server` is
    `node server/index.js`), so DIR/index.* names it too."""
    if "nginx" in oracle or "serving" in oracle:
        return True
    words = oracle_words(oracle)
    scripts = [w for w in words if re.search(r"\.(m?js|cjs|ts)$", w) or "/" in w]
    if words and words[0] == "node" and len(words) > 1 and not scripts:
        scripts = [w for w in words[1:] if not w.startswith("-")][:1]
    ran = run_tokens(result)
    ran_stems = {stem(w) for w in ran}
    if any(stem(s) in ran_stems for s in scripts):
        return True
    if any(re.search(r"(^|/)" + re.escape(s.strip("./")) + r"/index\.[mc]?js$", w)
           for s in scripts if "." not in basename(s) for w in ran):
        return True
    if "next start" in oracle and "next" in {basename(w) for w in ran}:
        return True
    head = re.split(r"->", oracle)[0].split()
    managers = {"npm", "pnpm", "yarn"}
    if head and head[0] in managers and len(head) > 1 and managers & {basename(w) for w in ran}:
        return head[-1] in ran
    return not scripts and bool(words) and basename(words[0]) in {basename(w) for w in ran}


def normal(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


def java_keys(oracle):
    """The jars (version, SNAPSHOT and wildcards aside), main classes' simple names, start
    scripts, launchers and hyphenated module names the oracle names, normalised; a bare app.jar
    names nothing."""
    keys = set()
    for word in re.findall(r"[\w./*${}-]+", oracle):
        if word.endswith(".jar"):
            name = re.sub(r"(-\d.*|-SNAPSHOT|\*)", "", stem(word))
            if name and name != "app":
                keys.add(normal(name))
        elif re.match(r"^[a-z]\w*(\.\w+)+\.[A-Z]\w*$", word):
            keys.add(normal(word.rsplit(".", 1)[-1]))
        elif word.endswith(".sh"):
            keys.add(normal(stem(word)))
    words = [w for w in oracle_words(oracle) if not w.startswith("-")]
    for word in words:
        if "/" in word and "." not in basename(word):
            keys.add(normal(basename(word)))
    if words and basename(words[0]) not in INTERPRETERS and not words[0].endswith(".jar"):
        keys.add(normal(stem(words[0])))
    for word in re.findall(r"(?<![-\w])[a-z][a-z0-9]*(?:-[a-z0-9]+)+", oracle):
        keys.add(normal(word))
    return {k for k in keys if k and k not in ("java", "run", "entrypoint", "dockerentrypoint",
                                               "runjava", "startup", "start", "app", "opt")}


def java_entry(oracle, result):
    """Java: the jar's name, the main class's simple name, a start script or launcher named in
    the oracle agrees with a word of what the image runs, the module shiplight builds or its
    `# Detected:` lines (compared without case and punctuation). The module shiplight builds
    also agrees when its name starts with the oracle's jar or main class, or the other way
    round (the rule `names_oracle` applies to a tie's candidates): a Dockerfile renames the
    jar it copies (litemall-all's jar runs as litemall.jar), and a Spring Boot module's main
    class is named after it (shenyu-bootstrap runs ShenyuBootstrapApplication). The jar the
    build produces (the plan's `java.artefact`, version aside) counts as a word too: the image
    runs it as app.jar, but a module's `<finalName>` is the name its own deployment copies
    (thingsboard's module `application` builds thingsboard-VERSION.jar). A module directory
    the oracle names as a path (`backend/app`) agrees when it is the one shiplight builds."""
    keys = java_keys(oracle)
    words = run_tokens(result) + " ".join(result["detected"]).split()
    java = result["plan"].get("java") or {}
    module_dir = str(java.get("module_dir") or "")
    if "/" in module_dir and module_dir in [w.strip("/") for w in oracle_words(oracle)]:
        return True
    artefact = str(java.get("artefact") or "")
    if artefact.endswith(".jar"):
        words.append(re.sub(r"(-\d.*|-SNAPSHOT)$", "", stem(artefact)))
    have = set()
    for word in words:
        have.add(normal(stem(word)))
        if re.match(r"^[a-z]\w*(\.\w+)+\.[A-Z]\w*$", word):
            have.add(normal(word.rsplit(".", 1)[-1]))
        have.update(normal(part) for part in re.split(r"[./]", word))
    if any(k in have for k in keys):
        return True
    built = re.search(r"\bmodule (\S+?):", " ".join(result["detected"]))
    module = normal(built.group(1)) if built else ""
    return len(module) > 3 and any(
        len(k) > 3 and (module.startswith(k) or k.startswith(module)) for k in keys)


def php_root(text):
    """The web root a description names: `.` for the repository root."""
    if re.search(r"(repo(sitory)? root|project root|web root = repo|nginx root /var/www)", text):
        return "."
    match = re.search(r"DocumentRoot (\S+?)/?[ ,)]", text)
    if match:
        return match.group(1).strip("/") or "."
    match = re.search(r"(?:^|[\s(,])([\w./-]+)/(index|app)\.php", text)
    if match:
        return match.group(1).strip("./").split("/")[-1] or "."
    match = re.search(r"web root (\S+)", text)
    if match:
        return match.group(1).strip("/.,") or "."
    return None


def php_entry(oracle, result):
    """PHP: the web root of the oracle's front controller (public/, web/, the repository root)
    is the one shiplight serves; an oracle without a front controller (a long-running server)
    agrees when its script appears in what the image runs."""
    detected = " ".join(result["detected"])
    if "no front controller" in oracle or "rr serve" in oracle:
        words = [w for w in oracle_words(oracle) if w.endswith(".php") or "/" in w]
        ran = {stem(w) for w in run_tokens(result)}
        return any(stem(w) in ran for w in words)
    want = php_root(oracle)
    have = php_root(detected)
    if want is None:
        single = re.search(r"([\w-]+\.php)", oracle)
        return bool(single) and single.group(1) in result["dockerfile"]
    return have == want or (have is None and f"/{want}" in result["dockerfile"])


ENTRY = dict(go=go_entry, rust=rust_entry, python=python_entry, node=node_entry, java=java_entry,
             php=php_entry)


def family_agrees(oracle, chosen):
    """`?` agrees with any family; base and cc agree with each other only under `base?`/`cc?`;
    `static?` agrees with static only."""
    if oracle == "?":
        return True
    plain = oracle.rstrip("?")
    if plain == chosen:
        return True
    return oracle in ("base?", "cc?") and chosen in ("base", "cc")


def several_products(row):
    """Whether the oracle's note or entry says the repository holds several products."""
    text = (row["note"] + " " + row["entry"]).lower()
    return bool(re.search(r"several|real tie|tie among|ambiguous product|two products|"
                          r"(two|three|many) (binaries|services|products)|chosen at run time", text))


INTERPRETERS = {"java", "python", "python3", "node", "php", "sh", "bash", "pnpm", "npm", "yarn"}


def oracle_programs(row):
    """The names the oracle gives its program (every service named, for a real tie)."""
    entry = row["entry"]
    if "real tie" in entry:
        return {normal(w) for w in re.findall(r"[A-Za-z][\w-]*-[\w-]+", entry)}
    if row["stack"] == "java":
        keys = java_keys(entry)
        if keys:
            return keys
    words = [w for w in oracle_words(entry) if basename(w) not in INTERPRETERS
             and not w.startswith("-")]
    return {normal(stem(words[0]))} if words else set()


def names_oracle(row, message):
    """An exit-2 message listing several candidates (binaries, main packages, modules,
    workspace packages) among which is the oracle's program (for Java, a module whose name
    starts with the jar's, or the other way round: a jar's final name is not its module's; or
    a module named by the project then the oracle's program, `dolphinscheduler-standalone-server`
    for a `standalone-server` distribution)."""
    match = re.search(r"found several (?!stacks)[\w ]+?: (.*?)\. Choose", message)
    if not match:
        return False
    candidates = set()
    for part in match.group(1).split(","):
        for word in re.findall(r"[\w./@-]+", part):
            candidates.add(normal(stem(word)))
    programs = oracle_programs(row)
    if programs & candidates:
        return True
    return row["stack"] == "java" and any(
        len(p) > 3 and (c.startswith(p) or p.startswith(c) and len(c) > 3)
        or len(p) > 8 and c.endswith(p)
        for p in programs for c in candidates)


def refusal(error):
    """The refusal as one line: the message of a `--json` error document (JSON on stderr), its
    choices listed one per line (`found several X:` then an indented line each) joined back as
    `found several X: a, b. ` before the advice."""
    text = error.strip()
    try:
        text = json.loads(text)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        pass
    lines = text.splitlines() or ["no output"]
    first, rest = lines[0], lines[1:]
    items = []
    while rest and rest[0].startswith("  "):
        items.append(rest.pop(0).strip())
    if first.endswith(":") and items:
        first = f"{first} {', '.join(items)}. {' '.join(line.strip() for line in rest)}".strip()
    return first


def score(row, result):
    """(class, what shiplight chose) for one mode."""
    if result["code"] != 0:
        first = refusal(result["error"])
        first = re.sub(r"^error:\s*", "", first)
        if result["code"] == 2:
            if names_oracle(row, first):
                return ("right" if several_products(row) else "refused-tie"), first
            return "refused", first
        return "error", f"exit {result['code']}: {first}"
    plan = result["plan"]
    stack = plan.get("stack", "?")
    family = (plan.get("runtime") or {}).get("family", "?")
    runs = " ".join(str(p) for p in result["entrypoint"] + result["cmd"])
    runs = re.sub(r"--import=data:\S+", "", runs).strip()
    binary = (plan.get("app") or {}).get("binary", "?")
    chose = f"{stack}/{family} {binary}: {runs[:70]}"
    if stack != row["stack"]:
        return "wrong-family", chose
    if not family_agrees(row["family"], family):
        return "wrong-family", chose
    if ENTRY[row["stack"]](row["entry"], result):
        return "right", chose
    return "wrong-entry", chose


def evaluate(binary, row):
    """Both modes for one repository, in a scratch directory deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="shiplight-next-") as tmp:
        root = pathlib.Path(tmp)
        try:
            if export(row["repo"], row["commit"], root) is None:
                return row, None, None
        except subprocess.CalledProcessError:
            return row, None, None
        project = root / row["subdir"]
        found = score(row, run_mode(binary, project))
        shutil.rmtree(project / ".shiplight", ignore_errors=True)
        strip_descriptors(root)
        blind = score(row, run_mode(binary, project))
    return row, found, blind


def record(text, binary):
    """Writes the table into tests/realworld/README.md between its score markers, with the
    commit it was measured at."""
    readme = HERE.parent / "README.md"
    begin, end = "<!-- score:begin -->", "<!-- score:end -->"
    current = readme.read_text()
    if begin not in current or end not in current:
        sys.exit(f"{readme} has no {begin} ... {end} section")
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    head, rest = current.split(begin, 1)
    _, tail = rest.split(end, 1)
    body = (f"\nMeasured at {commit} with `python3 tests/realworld/next/score.py "
            f"{pathlib.Path(binary).name} --readme` (a release build).\n\n{text}")
    readme.write_text(head + begin + body + end + tail)


def cell(text):
    return text.replace("|", "/").replace("\n", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--stack", choices=STACKS)
    parser.add_argument("--only")
    parser.add_argument("--out")
    parser.add_argument("--readme", action="store_true",
                        help="write the table into ../README.md between its score markers")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    binary = str(pathlib.Path(args.binary).resolve())
    rows = list(corpus([args.stack] if args.stack else STACKS, args.only))
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda r: evaluate(binary, r), rows))
    lines = ["| repository | stack | oracle | as found | shiplight chose | blind | blind chose |",
             "|---|---|---|---|---|---|---|"]
    totals = {}
    for row, found, blind in results:
        where = row["repo"] if row["subdir"] == "." else f"{row['repo']} ({row['subdir']})"
        oracle = f"{row['family']}: {row['entry'][:60]}"
        if found is None:
            lines.append(f"| {where} | {row['stack']} | {cell(oracle)} | not fetched | | | |")
            continue
        lines.append(f"| {where} | {row['stack']} | {cell(oracle)} | {found[0]} | "
                     f"{cell(found[1][:110])} | {blind[0]} | {cell(blind[1][:110])} |")
        total = totals.setdefault(row["stack"], [0, 0, 0])
        total[0] += 1
        total[1] += found[0] == "right"
        total[2] += blind[0] == "right"
    lines += ["", "| stack | repositories | right as found | right blind |", "|---|---|---|---|"]
    everything = [0, 0, 0]
    for stack in STACKS:
        if stack in totals:
            n, f, b = totals[stack]
            everything = [everything[0] + n, everything[1] + f, everything[2] + b]
            lines.append(f"| {stack} | {n} | {f} ({100 * f // n}%) | {b} ({100 * b // n}%) |")
    n, f, b = everything
    if n:
        lines.append(f"| all | {n} | {f} ({100 * f // n}%) | {b} ({100 * b // n}%) |")
    text = "\n".join(lines) + "\n"
    if args.readme:
        if args.stack or args.only:
            sys.exit("--readme records the whole corpus: drop --stack and --only")
        record(text, binary)
    if args.out:
        pathlib.Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
