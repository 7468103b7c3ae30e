"""Deterministic generator of hostile inputs for the batch runner (issue 8).

``build(folder)`` writes every hostile input into ``folder`` and returns a list of
:class:`Case` (file name, category, what is expected).  Everything is derived from the shipped
samples (``samples/release``) and from hand-built PDFs with a fixed random seed, so two runs write
the same bytes.  Nothing here is large on disk: the "huge" inputs are compressed bombs, sparse
files or objects that merely *claim* an enormous size.

Expectations (``Case.expect``):

* ``error``   -- the document must get a clear, non-empty ``error`` (it cannot be scanned);
* ``same``    -- the document must scan exactly like its ``base`` (same redactions and leaks);
* ``any``     -- either a clear error or a report; what matters is that the batch goes on, the
  document ends within the time limit and no input byte changes (fuzzed files: MuPDF may repair
  them, or not);
* ``limit``   -- may be cut by the time limit or the memory cap (an error naming the limit), or
  finish with an error or a report inside it.

Run as a script to write the inputs to a folder and print them::

    python3 tests/gen_hostile.py /tmp/hostile
"""
from __future__ import annotations

import os
import random
import stat
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "release"
SEED = 20240311
TEXT_BASE = "call-24-0311.pdf"     # a text-layer record with redactions
SCAN_BASE = "call-24-0312.pdf"     # a record with a scanned page


@dataclass
class Case:
    name: str
    category: str
    expect: str                 # error | same | any | limit
    base: str | None = None     # for "same": the sample it must match
    note: str = ""
    kind: str = "file"          # file | symlink | dir | fifo | unreadable


# --------------------------------------------------------------------------------------------
# building raw PDFs


def raw_pdf(objects: dict[int, bytes], root: int = 1, info: int | None = None, extra_trailer: bytes = b"",
            header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") -> bytes:
    """A PDF from numbered object bodies, with a correct xref table and trailer."""
    out = bytearray(header)
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        if num in offsets:
            out += b"%010d 00000 n \n" % offsets[num]
        else:
            out += b"0000000000 65535 f \n"
    trailer = b"/Size %d /Root %d 0 R" % (size, root)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< " + trailer + extra_trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(dict_body: bytes, data: bytes) -> bytes:
    return b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def box_content() -> bytes:
    """A line of text with a black box drawn over part of it (a leaking redaction)."""
    return (b"BT /F1 12 Tf 72 700 Td (Suspect: Jane Roe) Tj ET\n"
            b"0 0 0 rg 120 690 80 16 re f\n")


def simple_pdf(content: bytes | None = None, mediabox: bytes = b"[0 0 612 792]", extra_objs=None,
               page_extra: bytes = b"", resources: bytes = b"/Font << /F1 4 0 R >>") -> bytes:
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox + b" /Resources << " + resources
           + b" >> /Contents 5 0 R" + page_extra + b" >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        5: stream(b"", box_content() if content is None else content),
    }
    objs.update(extra_objs or {})
    return raw_pdf(objs)


def deflate_zeros(n: int, byte: bytes = b"0") -> bytes:
    """zlib data that inflates to ``n`` copies of ``byte`` (built in 1 MB chunks)."""
    co = zlib.compressobj(9)
    chunk = byte * (1 << 20)
    parts = []
    for _ in range(n >> 20):
        parts.append(co.compress(chunk))
    parts.append(co.compress(byte * (n & ((1 << 20) - 1))))
    parts.append(co.flush())
    return b"".join(parts)


# --------------------------------------------------------------------------------------------
# the hostile inputs


def _mutations(base: bytes, tag: str, rng: random.Random) -> dict[str, tuple[bytes, str]]:
    out = {}
    n = len(base)
    for frac in (0.1, 0.5, 0.9, 0.99):
        out[f"trunc{int(frac * 100):02d}-{tag}.pdf"] = (base[: int(n * frac)], "truncated")
    out[f"trunc-noeof-{tag}.pdf"] = (base[: base.rfind(b"%%EOF")], "truncated")
    for k, flips in enumerate((1, 8, 64, 512)):
        b = bytearray(base)
        for _ in range(flips):
            b[rng.randrange(n)] ^= 1 << rng.randrange(8)
        out[f"flip{flips:03d}-{tag}.pdf"] = (bytes(b), "byte flips")
    # runs of random garbage written into the body
    b = bytearray(base)
    for _ in range(4):
        at = rng.randrange(16, n - 64)
        b[at:at + 48] = bytes(rng.randrange(256) for _ in range(48))
    out[f"garble-{tag}.pdf"] = (bytes(b), "byte flips")
    # broken cross-reference: offsets pointing to nowhere, startxref out of range, no xref at all
    x = base.rfind(b"startxref")
    if x > 0:
        out[f"xref-offset-{tag}.pdf"] = (base[:x] + b"startxref\n999999999\n%%EOF\n", "broken xref")
        out[f"xref-negative-{tag}.pdf"] = (base[:x] + b"startxref\n-17\n%%EOF\n", "broken xref")
        out[f"xref-missing-{tag}.pdf"] = (base[:x], "broken xref")
    xr = base.rfind(b"\nxref")
    if xr > 0:
        table = bytearray(base)
        end = base.find(b"trailer", xr)
        region = table[xr:end]
        for i in range(len(region)):
            if 48 <= region[i] <= 57 and rng.random() < 0.3:
                region[i] = 48 + rng.randrange(10)
        table[xr:end] = region
        out[f"xref-scrambled-{tag}.pdf"] = (bytes(table), "broken xref")
    # streams: every FlateDecode stream's data corrupted, or its /Length lying
    s = base.find(b"stream\n")
    if s > 0:
        b = bytearray(base)
        pos = 0
        while True:
            pos = base.find(b"stream\n", pos)
            if pos < 0:
                break
            start = pos + 7
            for i in range(start + 2, min(start + 40, len(b))):
                b[i] = rng.randrange(256)
            pos = start
        out[f"streams-garbage-{tag}.pdf"] = (bytes(b), "bad streams")
    out[f"length-lie-{tag}.pdf"] = (base.replace(b"/Length ", b"/Length 9", 3), "bad streams")
    return out


def _hand_built() -> dict[str, tuple[bytes, str, str, str]]:
    """name -> (bytes, category, expect, note)."""
    h: dict[str, tuple[bytes, str, str, str]] = {}
    # decompression bombs: a content stream and an image that inflate to hundreds of MB
    bomb = deflate_zeros(400 << 20, b" ")
    h["bomb-content.pdf"] = (
        simple_pdf(extra_objs={5: stream(b"/Filter /FlateDecode", bomb)}),
        "decompression bomb", "limit", "content stream inflating to 400 MB of spaces")
    img_bomb = deflate_zeros(400 << 20, b"\x00")
    h["bomb-image.pdf"] = (
        simple_pdf(content=b"q 612 0 0 792 0 0 cm /Im1 Do Q\n", resources=b"/XObject << /Im1 6 0 R >>",
                   extra_objs={6: stream(b"/Type /XObject /Subtype /Image /Width 20000 /Height 20000 "
                                         b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                                         img_bomb)}),
        "decompression bomb", "limit", "page-sized image inflating to 400 MB (20000 x 20000 grey)")
    nested = zlib.compress(zlib.compress(b"0 0 0 rg " * 10 + b"\n" + b" " * (8 << 20), 9), 9)
    h["bomb-double-flate.pdf"] = (
        simple_pdf(extra_objs={5: stream(b"/Filter [/FlateDecode /FlateDecode]", nested)}),
        "decompression bomb", "limit", "two chained Flate filters")
    # images that claim gigapixel sizes (with almost no data)
    for name, w, hgt in (("giga-image.pdf", 100000, 100000), ("giga-image-max.pdf", 2147483647, 2147483647)):
        h[name] = (
            simple_pdf(content=b"q 612 0 0 792 0 0 cm /Im1 Do Q\n", resources=b"/XObject << /Im1 6 0 R >>",
                       extra_objs={6: stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                                             b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode"
                                             % (w, hgt), zlib.compress(b"\x00" * 4096))}),
            "gigapixel image", "limit", f"image claims {w} x {hgt} pixels")
    h["giga-image-small-box.pdf"] = (
        simple_pdf(content=box_content() + b"q 40 0 0 12 300 700 cm /Im1 Do Q\n",
                   resources=b"/Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >>",
                   extra_objs={6: stream(b"/Type /XObject /Subtype /Image /Width 60000 /Height 60000 "
                                         b"/ColorSpace /DeviceGray /BitsPerComponent 8",
                                         b"\x00" * 1024)}),
        "gigapixel image", "limit", "small placed image claiming 60000 x 60000")
    # enormous pages
    h["page-huge.pdf"] = (simple_pdf(mediabox=b"[0 0 14400 14400]"), "enormous page", "any",
                          "200 x 200 inch page (the PDF maximum)")
    h["page-absurd.pdf"] = (simple_pdf(mediabox=b"[0 0 1e12 1e12]"), "enormous page", "any",
                            "MediaBox of 10^12 points")
    h["page-scan-huge.pdf"] = (
        simple_pdf(content=b"q 14400 0 0 14400 0 0 cm /Im1 Do Q\n", mediabox=b"[0 0 14400 14400]",
                   resources=b"/XObject << /Im1 6 0 R >>",
                   extra_objs={6: stream(b"/Type /XObject /Subtype /Image /Width 64 /Height 64 "
                                         b"/ColorSpace /DeviceGray /BitsPerComponent 8",
                                         bytes(255 if (i // 64) % 8 else 0 for i in range(4096)))}),
        "enormous page", "limit", "a scanned page of 200 x 200 inches")
    h["page-zero.pdf"] = (simple_pdf(mediabox=b"[0 0 0 0]"), "enormous page", "any", "MediaBox of zero size")
    h["page-nan.pdf"] = (simple_pdf(mediabox=b"[0 0 /x (y)]"), "enormous page", "any", "MediaBox not numbers")
    # enormous page counts: one page object listed 300,000 times; a page tree claiming 2^31 pages
    kids = b"[" + b"3 0 R " * 300000 + b"]"
    h["pages-300k.pdf"] = (
        simple_pdf(extra_objs={2: b"<< /Type /Pages /Kids " + kids + b" /Count 300000 >>"}),
        "enormous page count", "limit", "300,000 pages (one page object referenced 300,000 times)")
    many = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            5: stream(b"", box_content())}
    n_pages = 20000
    many[2] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (10 + i) for i in range(n_pages)) + \
        b"] /Count %d >>" % n_pages
    for i in range(n_pages):
        many[10 + i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>")
    h["pages-20k.pdf"] = (raw_pdf(many), "enormous page count", "limit",
                          f"{n_pages:,} pages, each with a leaking box (scanning them all outlasts a short limit)")
    h["pages-count-lie.pdf"] = (
        simple_pdf(extra_objs={2: b"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>"}),
        "enormous page count", "any", "/Count 2147483647 over one page")
    # deeply nested and cyclic object graphs
    depth = 50000
    h["nested-array.pdf"] = (
        simple_pdf(page_extra=b" /Junk " + b"[" * depth + b"]" * depth), "nested objects", "any",
        f"array nested {depth} deep in the page dictionary")
    h["nested-dict-info.pdf"] = (
        raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
                    b" /Contents 5 0 R >>",
                 4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", 5: stream(b"", box_content()),
                 6: b"<< /Title (x) /A " + b"<< /A " * 20000 + b"1" + b" >>" * 20000 + b" >>"}, info=6),
        "nested objects", "any", "Info dictionary nested 20,000 deep")
    chain = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    n_levels = 3000
    for lvl in range(n_levels):
        num = 10 + lvl
        kid = b"%d 0 R" % (num + 1) if lvl < n_levels - 1 else b"3 0 R"
        parent = b"%d 0 R" % (num - 1) if lvl else b"2 0 R"
        chain[num] = b"<< /Type /Pages /Parent " + parent + b" /Kids [" + kid + b"] /Count 1 >>"
    chain[2] = b"<< /Type /Pages /Kids [10 0 R] /Count 1 >>"
    chain[3] = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
                b" /Contents 5 0 R >>" % (10 + n_levels - 1))
    chain[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    chain[5] = stream(b"", box_content())
    h["nested-page-tree.pdf"] = (raw_pdf(chain), "nested objects", "any", f"page tree {n_levels} levels deep")
    h["cycle-page-tree.pdf"] = (
        simple_pdf(extra_objs={2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"}),
        "cyclic objects", "any", "the page tree lists itself as a kid")
    h["cycle-self-ref.pdf"] = (
        simple_pdf(page_extra=b" /Loop 7 0 R", extra_objs={7: b"[7 0 R << /Me 7 0 R >>]"}),
        "cyclic objects", "any", "an object that contains itself")
    h["cycle-outline.pdf"] = (
        raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R /Outlines 8 0 R >>",
                 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
                    b" /Contents 5 0 R >>",
                 4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", 5: stream(b"", box_content()),
                 8: b"<< /Type /Outlines /First 9 0 R /Last 9 0 R /Count 2 >>",
                 9: b"<< /Title (a) /Parent 8 0 R /Next 10 0 R /First 10 0 R >>",
                 10: b"<< /Title (b) /Parent 9 0 R /Next 9 0 R /Prev 9 0 R /First 9 0 R >>"}),
        "cyclic objects", "any", "bookmarks that loop (Next and First cycles)")
    h["cycle-xobject.pdf"] = (
        simple_pdf(content=b"/Fx Do\n", resources=b"/XObject << /Fx 6 0 R >>",
                   extra_objs={6: stream(b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                         b"/Resources << /XObject << /Fx 6 0 R >> >>", b"/Fx Do\n")}),
        "cyclic objects", "any", "a form XObject that draws itself")
    h["cycle-prev-xref.pdf"] = (
        _with_prev_loop(simple_pdf()), "cyclic objects", "any", "xref /Prev pointing at itself")
    # not PDFs at all
    rng = random.Random(SEED + 1)
    h["zero.pdf"] = (b"", "not a PDF", "error", "zero bytes")
    h["html.pdf"] = (b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n", "not a PDF", "error",
                     "an HTML error page saved as .pdf")
    h["zip.pdf"] = (b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(300)), "not a PDF", "error",
                    "a ZIP (DOCX) renamed")
    h["png.pdf"] = (b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(300)), "not a PDF", "error",
                    "a PNG renamed")
    h["random.pdf"] = (bytes(rng.randrange(256) for _ in range(4096)), "not a PDF", "error", "4 KB of noise")
    h["header-only.pdf"] = (b"%PDF-1.7\n", "not a PDF", "error", "a PDF header and nothing else")
    h["header-garbage.pdf"] = (b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(8192)), "not a PDF",
                               "error", "a PDF header followed by noise")
    h["nul-bytes.pdf"] = (b"\x00" * 65536, "not a PDF", "error", "64 KB of NUL bytes")
    return h


def _with_prev_loop(pdf: bytes) -> bytes:
    x = pdf.rfind(b"startxref\n")
    xref_at = int(pdf[x + 10:].split(b"\n")[0])
    return pdf.replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev %d" % xref_at, 1)


def _encrypted(base: bytes) -> dict[str, tuple[bytes, str, str, str | None, str]]:
    import pymupdf
    out = {}
    for name, user, method, expect, note in (
            ("enc-empty-aes256.pdf", "", pymupdf.PDF_ENCRYPT_AES_256, "same", "AES-256, empty user password"),
            ("enc-empty-rc4.pdf", "", pymupdf.PDF_ENCRYPT_RC4_128, "same", "RC4-128, empty user password"),
            ("enc-user-aes256.pdf", "s3cret", pymupdf.PDF_ENCRYPT_AES_256, "error", "AES-256, user password set"),
            ("enc-user-rc4.pdf", "s3cret", pymupdf.PDF_ENCRYPT_RC4_40, "error", "RC4-40, user password set")):
        doc = pymupdf.open("pdf", base)
        out[name] = (doc.tobytes(encryption=method, user_pw=user, owner_pw="owner-pw", no_new_id=True),
                     "encrypted", expect, TEXT_BASE if expect == "same" else None, note)
        doc.close()
    return out


def build(folder: str | os.PathLike, *, with_special: bool = True) -> list[Case]:
    """Write every hostile input into ``folder`` (created); return the cases.

    ``with_special``: also make symlinks, a FIFO, a sparse oversized file and unreadable
    files/folders (POSIX only)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    cases: list[Case] = []

    def put(name, data, category, expect, base=None, note=""):
        (folder / name).write_bytes(data)
        cases.append(Case(name, category, expect, base, note))

    text = (SAMPLES / TEXT_BASE).read_bytes()
    scan = (SAMPLES / SCAN_BASE).read_bytes()
    put("ok-" + TEXT_BASE, text, "control", "same", TEXT_BASE, "the unmodified sample")
    put("ok-" + SCAN_BASE, scan, "control", "same", SCAN_BASE, "the unmodified sample")
    for tag, base in (("text", text), ("scan", scan)):
        for name, (data, category) in _mutations(base, tag, rng).items():
            put(name, data, category, "any")
    for name, (data, category, expect, note) in _hand_built().items():
        put(name, data, category, expect, None, note)
    for name, (data, category, expect, base, note) in _encrypted(text).items():
        put(name, data, category, expect, base, note)

    if with_special and os.name == "posix":
        special = folder / "special"
        special.mkdir(exist_ok=True)
        elsewhere = folder.parent / (folder.name + "-elsewhere")
        elsewhere.mkdir(exist_ok=True)
        (elsewhere / "outside.pdf").write_bytes(text)

        def link(name, target, category, expect, base=None, note=""):
            p = special / name
            if p.is_symlink() or p.exists():
                p.unlink()
            os.symlink(target, p)
            cases.append(Case("special/" + name, category, expect, base, note, kind="symlink"))

        link("link-to-file.pdf", os.path.relpath(folder / ("ok-" + TEXT_BASE), special), "symlink", "same", TEXT_BASE,
             "symlink to a good PDF (its target is scanned)")
        link("link-dangling.pdf", "does-not-exist.pdf", "symlink", "error", None, "dangling symlink")
        link("link-loop-a.pdf", "link-loop-b.pdf", "symlink", "error", None, "symlink loop (a -> b -> a)")
        link("link-loop-b.pdf", "link-loop-a.pdf", "symlink", "error", None, "symlink loop (b -> a -> b)")
        link("link-to-dir", str(elsewhere), "symlink", "skipped", None,
             "symlink to a folder outside the release (not followed)")
        link("link-to-parent", "..", "symlink", "skipped", None, "symlink to its own parent folder (a loop)")
        fifo = special / "fifo.pdf"
        if not fifo.exists():
            os.mkfifo(fifo)
        cases.append(Case("special/fifo.pdf", "not a regular file", "error", None,
                          "a named pipe called .pdf (reading it would block forever)", kind="fifo"))
        sparse = special / "sparse-2gb.pdf"
        with open(sparse, "wb") as fh:
            fh.write(b"%PDF-1.7\n")
            fh.truncate(2 * 1024 ** 3)   # sparse: no disk space used
        cases.append(Case("special/sparse-2gb.pdf", "oversized file", "error", None,
                          "a 2 GB (sparse) file: refused by size before reading"))
        locked = special / "unreadable.pdf"
        locked.write_bytes(text)
        os.chmod(locked, 0)
        root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
        cases.append(Case("special/unreadable.pdf", "unreadable", "same" if root else "error",
                          TEXT_BASE if root else None,
                          "chmod 000 (root can still read it: then it must scan correctly)", kind="unreadable"))
        locked_dir = special / "locked-dir"
        locked_dir.mkdir(exist_ok=True)
        (locked_dir / "inside.pdf").write_bytes(text)
        os.chmod(locked_dir, 0)
        cases.append(Case("special/locked-dir", "unreadable", "any", None,
                          "chmod 000 folder (root can still list it)", kind="unreadable"))
    return cases


def restore_permissions(folder: str | os.PathLike) -> None:
    """Make the unreadable inputs readable again (so a temp folder can be removed)."""
    for p in (Path(folder) / "special" / "unreadable.pdf", Path(folder) / "special" / "locked-dir"):
        if p.exists() and not p.is_symlink():
            os.chmod(p, stat.S_IRWXU if p.is_dir() else stat.S_IRUSR | stat.S_IWUSR)


if __name__ == "__main__":
    dest = sys.argv[1] if len(sys.argv) > 1 else "hostile-inputs"
    for c in build(dest):
        print(f"{c.name:<34} {c.category:<22} {c.expect:<7} {c.note}")
