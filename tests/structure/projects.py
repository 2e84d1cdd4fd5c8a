"""Helpers the structural checks share: throw-away projects written from a dict, and the
files of `shiplight init --stdout` split by their `==> NAME <==` headers."""

import json
import pathlib
import re


def write(root, files):
    """Writes `files` (path -> text, bytes, or data written as JSON) under `root`."""
    for path, content in files.items():
        target = pathlib.Path(root, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content if isinstance(content, str) else json.dumps(content))


def split_outputs(stdout):
    """The files of `init --stdout` output, by name."""
    files, name = {}, None
    for line in stdout.splitlines(keepends=True):
        match = re.fullmatch(r"==> (\S+) <==\n", line)
        if match:
            name = match.group(1)
            files[name] = ""
        elif name:
            files[name] += line
    return files
