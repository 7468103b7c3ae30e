"""The pipeline of pure stages (issue "One pipeline of pure stages"): the three wrong answers that the
old in-place order produced are regression tests here, plus the stage contracts (the leak
resolver's precedence, stages that leave their inputs alone, settings that travel)."""
from __future__ import annotations

import functools
import io
import shutil

import numpy as np
import pymupdf
import pytest
from PIL import Image

import redactlens
from redactlens import leaks
from redactlens.evidence import Found, Verdict
from redactlens.detect import Candidate
from redactlens.model import Leak, Redaction
from redactlens.page import PageModel
from redactlens.settings import Settings

HAS_TESSERACT = shutil.which("tesseract") is not None
NAME = "Jill Illi Willis"


# -- 1. a leak kept only by an earlier revision sets the hidden size ----------------------------
def _revision_only(path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Complainant:", fontname="helv", fontsize=11)
    page.insert_text((150, 100), NAME, fontname="helv", fontsize=11)
    page.insert_text((72, 130), "The complainant reported the incident at 21:40 to the desk officer.",
                     fontname="helv", fontsize=11)
    doc.save(path)
    doc.close()
    doc = pymupdf.open(path)
    page = doc[0]
    for r in page.search_for(NAME):
        page.add_redact_annot(r, fill=(0, 0, 0))
    page.apply_redactions()
    doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    doc.close()


def test_a_leak_kept_only_by_an_earlier_revision_sets_the_size(tmp_path):
    path = tmp_path / "revised.pdf"
    _revision_only(str(path))
    rep = redactlens.scan(str(path), settings=Settings(ocr="off"))
    assert rep.error is None
    (r,) = [r for r in rep.redactions if r.leak is not None]
    assert r.leak.how == "prior_revision" and r.leak.text == NAME
    # enrichment saw the leak: the size is the recovered text's, not a width estimate
    assert r.est_chars == len(NAME) and r.est_chars_range == [len(NAME), len(NAME)]
    assert any(f.type == "prior_revision" and r.id in f.detail for f in rep.findings)


# -- 2. image_under_box on a rotated page --------------------------------------------------------
def _strokes_png() -> bytes:
    """A small picture of 'writing': thin dark strokes on white (not a solid bar)."""
    a = np.full((200, 600), 255, np.uint8)
    for x in range(20, 580, 9):
        a[40:160, x:x + 2] = 0               # 2 px strokes at 2 px/pt: 1 pt, like pen strokes
    for y in range(50, 160, 22):
        a[y:y + 2, 20:580] = 0
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    return buf.getvalue()


def _box_over_image(rotate: int) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Statement of the witness, signed below.", fontname="helv", fontsize=11)
    page.insert_image(pymupdf.Rect(100, 300, 400, 400), stream=_strokes_png())
    page.draw_rect(pymupdf.Rect(150, 330, 300, 365), color=None, fill=(0, 0, 0))
    page.set_rotation(rotate)
    return doc.tobytes()


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_image_under_box_is_found_on_every_rotation(rotate):
    rep = redactlens.scan(_box_over_image(rotate), settings=Settings(ocr="off"))
    assert rep.error is None
    assert [r.leak.how for r in rep.redactions if r.leak] == ["image_under_box"], \
        [(r.bbox, r.leak) for r in rep.redactions]


# -- 3. settings reach the batch's workers -------------------------------------------------------
@pytest.fixture(scope="module")
def one_scan(tmp_path_factory):
    import gen_scans
    out = tmp_path_factory.mktemp("one-scan")
    index = gen_scans.build_all(str(out), configs=[c for c in gen_scans.CONFIGS if c[0] == "scan200-b"])
    return out / "scan200-b.pdf", index["scan200-b.pdf"]


def _fields(batch):
    return [[(r.bbox, r.field, r.context.to_dict()) for r in d.redactions] for d in batch.documents]


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")
def test_ocr_off_reaches_the_workers(one_scan, monkeypatch):
    path, _ = one_scan
    monkeypatch.setenv("REDACTLENS_OCR", "auto")     # the caller's setting wins over the environment
    off = Settings(ocr="off")
    pooled = redactlens.scan_many([str(path)], workers=2, settings=off)
    serial = redactlens.scan_many([str(path)], workers=0, settings=off)
    auto = redactlens.scan_many([str(path)], workers=0, settings=Settings(ocr="auto"))
    assert _fields(pooled) == _fields(serial)
    assert {f for d in _fields(pooled) for _, f, _ in d} == {"unknown"}
    assert _fields(auto) != _fields(pooled)           # OCR would have given context: it did not run
    assert {f for d in _fields(auto) for _, f, _ in d} != {"unknown"}


def test_settings_from_the_environment_are_read_once_in_the_caller(monkeypatch):
    monkeypatch.setenv("REDACTLENS_OCR", "off")
    assert Settings.resolve(None).ocr == "off"
    assert Settings.resolve(None, ocr="all").ocr == "all"
    assert Settings.resolve({"ocr": "auto"}).ocr == "auto"
    with pytest.raises(ValueError, match="ocr"):
        Settings(ocr="sometimes")
    with pytest.raises(ValueError, match="unknown setting"):
        Settings.resolve({"ocr_mode": "off"})
    with pytest.raises(ValueError, match="timeout"):
        Settings(timeout=-1)


# -- the leak resolver ---------------------------------------------------------------------------
def _rev(n, text):
    return leaks.RevisionText(n, Leak(how="prior_revision", text=text, detail=f"revision {n}"))


def test_resolver_precedence():
    live = Leak(how="text_under_box", text="Ana Ruiz")
    image = Leak(how="image_under_box", text="")
    layer = Leak(how="ocr_layer", text="Ana Ruiz")
    assert leaks.resolve(leaks.Channels()) is None
    assert leaks.resolve(leaks.Channels(text=live, image=image, ocr_layer=layer)).how == "text_under_box"
    assert leaks.resolve(leaks.Channels(image=image, ocr_layer=layer)).how == "image_under_box"
    # exact live text stays in front of an earlier revision, which is kept as a candidate
    got = leaks.resolve(leaks.Channels(text=live, revisions=(_rev(1, "Ana Ruiz"),)))
    assert got.how == "text_under_box" and got.candidates == [{"how": "prior_revision", "revision": 1,
                                                                "text": "Ana Ruiz"}]
    # a fragment (half a glyph at the edge) or an unreadable image gives way to the old text
    frag = Leak(how="text_under_box", text="A")
    got = leaks.resolve(leaks.Channels(text=frag, revisions=(_rev(1, "Ana Ruiz"), _rev(2, "Ana Ruiz-Diaz"))))
    assert got.how == "prior_revision" and got.text == "Ana Ruiz-Diaz"
    assert [c["how"] for c in got.candidates] == ["text_under_box", "prior_revision"]
    assert leaks.resolve(leaks.Channels(image=image, revisions=(_rev(1, "Ana Ruiz"),))).how == "prior_revision"
    # the channels' own objects are not changed
    assert live.candidates == [] and frag.candidates == []
    assert not leaks.admits_candidates(live) and leaks.admits_candidates(None)


# -- stages leave their inputs alone -------------------------------------------------------------
def test_enrichment_returns_copies_and_leaves_its_input_alone():
    from redactlens.enrich import enrich_page
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Suspect Name:", fontname="helv", fontsize=10)
    page.draw_rect(pymupdf.Rect(150, 91, 230, 103), color=None, fill=(0, 0, 0))
    given = [Redaction(id="d#p1-r1", page=1, bbox=[150, 91, 230, 103], method="vector")]
    before = given[0].to_dict()
    out = enrich_page(PageModel(page, 1), given)
    assert given[0].to_dict() == before
    assert out.redactions[0] is not given[0] and out.redactions[0].field == "person_name"


def test_verdicts_and_found_boxes_are_frozen():
    v = Verdict(True, "x", None, [])
    f = Found(Candidate((0, 0, 1, 1), "vector"), v)
    with pytest.raises(AttributeError):
        v.label = "(b)(6)"
    with pytest.raises(AttributeError):
        f.verdict = v
    assert isinstance(v.hidden, tuple)


def test_page_model_declares_every_cache():
    """No stage writes undeclared state onto the page model or onto PyMuPDF's page."""
    from redactlens import scanned
    from redactlens.forensics import RevisionAnalysis
    from redactlens.pipeline import detect_page, scan_page
    doc = pymupdf.open(stream=_box_over_image(90), filetype="pdf")
    page = doc[0]
    before = set(vars(page))
    scan_page(page, 1, Settings(ocr="off"), RevisionAnalysis(), "d")
    assert set(vars(page)) == before
    pm = PageModel(page, 1, Settings(ocr="off"))
    found, _ = detect_page(pm)
    ink = scanned.image_ink(pm, scanned.drop_visible_ocr_words(pm, found))
    scanned.image_leaks(pm, found, ink)
    assert ink and pm.caches.decoded_images          # the decoded image is cached where declared
    declared = {"page", "number", "settings", "width", "height", "box", "caches", "ocr"}
    lazy = {name for name in dir(PageModel) if isinstance(getattr(PageModel, name), functools.cached_property)}
    assert set(vars(pm)) <= declared | lazy, set(vars(pm)) - declared - lazy


def test_results_do_not_depend_on_the_hash_seed(tmp_path):
    """Two processes with different PYTHONHASHSEED give the same report (a set's order once chose
    the font a box was measured in)."""
    import json
    import os
    import subprocess
    import sys
    doc = pymupdf.open()
    page = doc.new_page()
    # one line in two fonts with as many letters each, a box after it: the tie that a set decided
    page.insert_text((72, 100), "Email:", fontname="cour", fontsize=10)
    page.insert_text((110, 100), "abcdef", fontname="helv", fontsize=10)
    page.draw_rect(pymupdf.Rect(150, 91, 260, 103), color=None, fill=(0, 0, 0))
    path = tmp_path / "tie.pdf"
    doc.save(str(path))
    code = ("import json, sys, redactlens; r = redactlens.scan(sys.argv[1]);"
            "print(json.dumps([x.to_dict() for x in r.redactions]))")
    outs = set()
    for seed in ("1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.add(subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                                env=env, check=True).stdout)
    assert len(outs) == 1
    assert json.loads(outs.pop())[0]["est_chars"] is not None
