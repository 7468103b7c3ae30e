"""docs/tutorial.md cannot rot: every ```sh and ```python block runs here, in order, in a fresh folder
holding ``samples/``, and each ```text block after one is the output it must print.

In a ```text block, a line ``...`` stands for any number of lines and ``…`` inside a line for any
text; every other line must be printed exactly (trailing spaces aside), in order.  ``pip install``
lines are not run (no network in tests): the extra they name must exist in pyproject.toml and its
packages must import.
"""
import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.M | re.S)

pytest.importorskip("pandas")
pytest.importorskip("sqlite_utils")
pytest.importorskip("datasette")


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(TUTORIAL.read_text(encoding="utf-8"))]


def matches(expected: str, actual: str) -> bool:
    want = [ln.rstrip() for ln in expected.strip("\n").splitlines()]
    got = [ln.rstrip() for ln in actual.strip("\n").splitlines()]

    def line_ok(w, g):
        if "…" in w:
            return re.fullmatch(".*".join(re.escape(p) for p in w.split("…")), g) is not None
        return w == g

    def walk(i, j):
        if i == len(want):
            return j == len(got)
        if want[i] == "...":
            return any(walk(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and line_ok(want[i], got[j]) and walk(i + 1, j + 1)
    return walk(0, 0)


def test_matcher():
    assert matches("a\n...\nc", "a\nb\nb2\nc")
    assert matches("a …x", "a 123x")
    assert not matches("a\nc", "a\nb\nc")
    assert not matches("a", "a\nb")


def test_the_tutorial_is_linked_and_has_every_step():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/tutorial.md" in readme
    kinds = [k for k, _ in blocks()]
    assert kinds.count("sh") >= 4 and kinds.count("python") >= 3 and set(kinds) <= {"sh", "python", "text"}


def _pip(line: str) -> None:
    import tomllib
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for name in re.findall(r"redactlens\[([\w,]+)\]", line):
        for extra in name.split(","):
            assert extra in extras, extra
            for req in extras[extra]:
                mod = re.split(r"[<>=\[ ]", req)[0].replace("-", "_")
                __import__({"sqlite_utils": "sqlite_utils"}.get(mod, mod))


def test_every_block_runs_and_prints_what_it_shows(tmp_path):
    work = tmp_path / "desk"
    work.mkdir()
    os.symlink(ROOT / "samples", work / "samples")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "redactlens"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m redactlens \"$@\"\n")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
                                 f"{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "200"}
    namespace: dict = {}
    last = None
    ran = 0
    cwd = os.getcwd()
    for kind, body in blocks():
        if kind == "text":
            assert last is not None, "an output block with no command before it"
            code, out = last
            assert matches(body, out), f"--- block:\n{code}\n--- printed:\n{out}\n--- the tutorial shows:\n{body}"
            last = None
            continue
        if kind == "sh":
            lines = [ln for ln in body.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
            to_run = []
            for ln in lines:
                if ln.lstrip().startswith("pip install"):
                    _pip(ln)
                else:
                    to_run.append(ln)
            out = ""
            if to_run:
                res = subprocess.run(["bash", "-e", "-c", "\n".join(to_run)], cwd=work, env=env, text=True,
                                     capture_output=True, timeout=600)
                out = res.stdout + res.stderr
                assert res.returncode == 0, f"{body}\n{out}"
                ran += 1
            last = (body, out)
        elif kind == "python":
            buf = io.StringIO()
            os.chdir(work)
            try:
                with contextlib.redirect_stdout(buf):
                    exec(compile(body, str(TUTORIAL), "exec"), namespace)
            finally:
                os.chdir(cwd)
            ran += 1
            last = (body, buf.getvalue())
    assert ran >= 7
    for name in ("release.json", "release.db", "release.metadata.json", "release.html", "log.csv", "exhibit.pdf",
                 "run.jsonl", "run.db"):
        assert (work / name).stat().st_size > 0, name
