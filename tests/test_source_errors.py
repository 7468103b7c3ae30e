"""``redactlens.source`` refuses bad inputs with the specific DocumentError subclass (its code)."""
import os

import pymupdf
import pytest

from redactlens import errors as E
from redactlens.source import open_pdf, read_input


def _pdf() -> bytes:
    d = pymupdf.open()
    d.new_page().insert_text((72, 100), "hello")
    return d.tobytes()


def _code(fn, *args, **kw):
    with pytest.raises(E.DocumentError) as info:
        fn(*args, **kw)
    assert info.value.code in E.ERROR_CODES
    return type(info.value), info.value.code, str(info.value)


def test_read_input_errors(tmp_path):
    assert _code(read_input, str(tmp_path / "missing.pdf"))[:2] == (E.NotFound, "not_found")
    (tmp_path / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")
    cls, code, msg = _code(read_input, str(tmp_path / "dangling.pdf"))
    assert code == "not_found" and "dangling symbolic link" in msg
    cls, code, msg = _code(read_input, str(tmp_path))
    assert code == "not_a_file" and "is a directory" in msg
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.pdf")
        cls, code, msg = _code(read_input, str(tmp_path / "fifo.pdf"))
        assert code == "not_a_file" and "named pipe" in msg
    (tmp_path / "big.pdf").write_bytes(b"%PDF-" + b"x" * 100)
    assert _code(read_input, str(tmp_path / "big.pdf"), max_bytes=10)[1] == "too_large"
    assert _code(read_input, b"x" * 11, max_bytes=10)[1] == "too_large"
    (tmp_path / "loop.pdf").symlink_to(tmp_path / "loop.pdf")
    cls, code, msg = _code(read_input, str(tmp_path / "loop.pdf"))
    assert cls is E.DocumentError and code == "unreadable" and "cannot read file" in msg


def test_open_pdf_errors(tmp_path):
    good = _pdf()
    assert _code(open_pdf, b"")[1:] == ("not_pdf", "empty file (0 bytes): not a PDF")
    cls, code, msg = _code(open_pdf, b"<!DOCTYPE html><html>")
    assert code == "not_pdf" and "HTML" in msg
    assert _code(open_pdf, b"%PDF-1.7 garbage")[1] == "damaged"
    assert _code(open_pdf, good[:300])[1] in ("truncated", "damaged")
    assert _code(open_pdf, b"%PDF-1.7\n1 0 obj <<>> endobj\n")[1] == "truncated"
    d = pymupdf.open("pdf", good)
    locked = d.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="own")
    cls, code, msg = _code(open_pdf, locked)
    assert code == "encrypted" and "password is required" in msg
    assert _code(open_pdf, locked, "nope")[1:] == ("encrypted", "encrypted PDF: the password given is wrong")
    assert open_pdf(locked, "pw").page_count == 1


def test_a_small_file_is_read_without_reserving_the_size_limit(tmp_path):
    """``read(n)`` allocates ``n`` bytes before reading: reading a 3 kB file as ``read(1 GiB + 1)``
    mapped 1 GiB, which a worker's address-space cap of 1 GiB (the hostile suite's) refused.  Under
    a cap of what is mapped now plus 256 MB the file reads."""
    import subprocess
    import sys
    small = tmp_path / "small.pdf"
    small.write_bytes(b"%PDF-1.7\n" + b"0" * 3000)
    code = f"""
import resource
from redactlens.source import read_input
vm = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (vm + (256 << 20), resource.RLIM_INFINITY))
inp = read_input({str(small)!r}, max_bytes=1 << 30)
print(len(inp.data))
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-500:]
    assert res.stdout.split() == ["3009"]


def test_a_file_that_grows_while_read_is_bounded():
    """The file's size at open time only sizes the first read: bytes that arrive later are read
    too, up to one past the limit (so the caller can refuse it)."""
    import io
    from redactlens.source import _read_bounded
    data = bytes(range(256)) * 40                      # 10,240 bytes; the stat said 10
    assert _read_bounded(io.BytesIO(data), 10, 100_000) == data
    assert _read_bounded(io.BytesIO(data), 10, 5000) == data[:5001]
    assert _read_bounded(io.BytesIO(data), 0, 100_000) == data      # a size of 0 (a pseudo-file)
    assert _read_bounded(io.BytesIO(b""), 0, 100) == b""
