"""The allocator thresholds (redactlens.allocator): set once per process by the page loop, never
over the user's own glibc variables or the setting, and what they are for: a page's large
buffers reused instead of mapped and faulted in again."""
from __future__ import annotations

import ctypes.util
import subprocess
import sys
import textwrap

import pytest

import redactlens
from redactlens import allocator
from redactlens.settings import Settings


@pytest.fixture
def fresh(monkeypatch):
    """A process in which keep_buffers was never called, with mallopt recorded."""
    calls = []
    monkeypatch.setattr(allocator, "_state", {})
    monkeypatch.setattr(allocator, "_mallopt", lambda: (lambda param, value: calls.append((param, value)) or 1))
    return calls


def _pdf(tmp_path):
    import pymupdf
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Name: Laura Chen", fontsize=11)
    page.draw_rect(pymupdf.Rect(110, 88, 170, 104), color=(0, 0, 0), fill=(0, 0, 0))
    path = tmp_path / "one.pdf"
    doc.save(path)
    return path


def test_the_page_loop_sets_both_thresholds_once(tmp_path, fresh, monkeypatch):
    for v in allocator.USER_VARIABLES:
        monkeypatch.delenv(v, raising=False)
    path = _pdf(tmp_path)
    rep = redactlens.scan(path)
    assert rep.error is None and len(rep.redactions) == 1
    assert fresh == [(allocator._M_MMAP_THRESHOLD, allocator.MMAP_THRESHOLD),
                     (allocator._M_TRIM_THRESHOLD, allocator.TRIM_THRESHOLD)]
    redactlens.scan(path)
    assert len(fresh) == 2          # the second scan leaves them alone


def test_the_setting_off_leaves_the_allocator_alone(tmp_path, fresh, monkeypatch):
    for v in allocator.USER_VARIABLES:
        monkeypatch.delenv(v, raising=False)
    rep = redactlens.scan(_pdf(tmp_path), settings={"tune_allocator": False})
    assert rep.error is None and len(rep.redactions) == 1
    assert fresh == []
    # a later scan that allows it still may
    assert allocator.keep_buffers(True) is True and len(fresh) == 2


@pytest.mark.parametrize("var", allocator.USER_VARIABLES)
def test_the_users_own_glibc_variables_stand(fresh, var):
    assert allocator.keep_buffers(True, environ={var: "1048576"}) is False
    assert fresh == []


def test_no_mallopt_no_change(monkeypatch):
    monkeypatch.setattr(allocator, "_state", {})
    monkeypatch.setattr(allocator, "_mallopt", lambda: None)
    assert allocator.keep_buffers(True, environ={}) is False


def test_the_setting_is_a_boolean():
    with pytest.raises(ValueError, match="tune_allocator"):
        Settings(tune_allocator="no")
    with pytest.raises(ValueError, match="ocr_regions"):
        Settings(ocr_regions=1)


@pytest.mark.skipif(not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
                    reason="glibc's mallopt and /proc page-fault counts are Linux's")
def test_large_buffers_are_reused_instead_of_faulted_in_again():
    """Two 2 MB buffers a round, as a page's render and mask: without the thresholds every round
    maps fresh pages (about 1,000 faults); with them the heap keeps and reuses them."""
    code = textwrap.dedent("""
        import importlib.util, resource, sys
        import numpy as np
        # the module alone: importing the package (PyMuPDF) moves glibc's thresholds by itself
        spec = importlib.util.spec_from_file_location("allocator", sys.argv[2])
        allocator = importlib.util.module_from_spec(spec); spec.loader.exec_module(allocator)
        if sys.argv[1] == "on":
            assert allocator.keep_buffers(True, environ={})
        def faults():
            return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        a = np.ones(2_000_000, np.uint8); del a
        f = faults()
        for i in range(50):
            a = np.ones(2_000_000, np.uint8); b = a < 3; del a, b
        print(faults() - f)
    """)
    got = {}
    for mode in ("off", "on"):
        out = subprocess.run([sys.executable, "-c", code, mode, allocator.__file__], capture_output=True, text=True, timeout=60,
                             env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
        assert out.returncode == 0, out.stderr
        got[mode] = int(out.stdout.split()[-1])
    if got["off"] < 5_000:
        pytest.skip(f"this C library reuses large blocks by itself ({got['off']} faults)")
    assert got["on"] * 20 < got["off"], got
