"""Deterministic generated batches for cross-document recovery and release pairs for the diff.

``build_batch(folder)`` writes one release whose documents quote each other (an email thread quoted
in several documents with different redactions, an incident narrative in a report and in a CAD log,
a scanned copy with a noisy OCR layer) plus near-miss controls (a similar email with other
names and dates, a form letter repeated to three people): returns the truth index
``{"files": [...], "boxes": [{"file", "page", "bbox", "text", "recoverable", "control"}]}``.
A box is ``recoverable`` when another document prints the same passage with that span in clear.

``build_release_pair(old, new)`` writes two releases of the same records (the new one after an
appeal: redactions lifted, added, narrowed, widened, exemptions changed, a page added, a page
withdrawn, a file renamed) and returns the expected changes.

Run as a script (``python3 tests/gen_crossdoc.py OUT``) to write both.
"""
from __future__ import annotations

import os
import random
import sys

import pymupdf

FONT, SIZE, LEFT, RIGHT, LEAD = "helv", 10, 72, 540, 14
W, H = 612, 792


# -- passages: lists of segments; a segment is clear text or a slot (a value a copy may redact) --
def slot(name, text):
    return ("slot", name, text)


EMAIL_1 = [
    "From:", slot("from", "Daniel Okafor"), "\n",
    "Sent: Tuesday, March 4, 2025 9:12 AM", "\n",
    "To:", slot("to", "Priya Ramanathan"), "\n",
    "Subject: Re: overtime audit for the third district", "\n", "\n",
    "Priya, I spoke with", slot("n1", "Sergeant Lisa Moreno"), "about the overtime sheets for February."
    " She says the unit logged", slot("hrs", "412 hours"), "that were never approved by the watch commander."
    " Please call her at", slot("ph", "312-555-0147"), "before Friday so we can close the audit.", "\n",
]
EMAIL_2 = [
    "From:", slot("from2", "Marcus Feld"), "\n",
    "Sent: Monday, March 10, 2025 4:40 PM", "\n",
    "To:", slot("to2", "Daniel Okafor"), "\n",
    "Subject: vendor invoices held at the warehouse", "\n", "\n",
    "Daniel, the invoices from", slot("vend", "Northline Supply Co"), "are still held at the warehouse on",
    slot("addr", "2250 West Ogden Avenue"), ". Nobody signed for the delivery and the driver left the"
    " pallets by the loading dock. I will ask", slot("n2", "Tom Brecker"), "to sort it out tomorrow morning.", "\n",
]
NARRATIVE = [
    "On the listed date officers responded to a call of a disturbance at", slot("loc", "1418 South Karlov Avenue"),
    ". The reporting party,", slot("rp", "Angela Whitfield"), ", stated that her neighbor had been shouting in"
    " the hallway for most of the evening. Officers spoke with", slot("sus", "Robert Kaminski"),
    "who agreed to return to his unit. No arrest was made and the parties were advised.", "\n",
]
# near-miss control: the same template as EMAIL_1, a different email (other names, dates, figures)
EMAIL_SIMILAR = [
    "From:", slot("cfrom", "Helen Achebe"), "\n",
    "Sent: Thursday, April 17, 2025 2:05 PM", "\n",
    "To:", slot("cto", "Victor Lindqvist"), "\n",
    "Subject: Re: overtime audit for the fifth district", "\n", "\n",
    "Victor, I spoke with", slot("cn1", "Officer Dana Whitlock"), "about the overtime sheets for March."
    " He says the unit logged", slot("chrs", "97 hours"), "that were approved late by the watch commander."
    " Please call him at", slot("cph", "773-555-0199"), "after Monday so we can review the audit.", "\n",
]


def form_letter(name):
    return ["Dear", slot("dear", name), ",", "\n", "Thank you for your request under the Freedom of Information"
            " Act. The enclosed records are released in part. Portions were withheld under the exemptions"
            " cited on each page. You may appeal this determination within sixty days.", "\n"]


HEADER = "CHICAGO POLICE DEPARTMENT - RECORDS DIVISION"


class Writer:
    """Lays out segments on pages; a slot is clear text or a black box over nothing."""

    def __init__(self, doc):
        self.doc = doc
        self.page = None
        self.boxes: list[dict] = []
        self.new_page()

    def new_page(self):
        self.page = self.doc.new_page(width=W, height=H)
        self.page.insert_text((LEFT, 50), HEADER, fontname=FONT, fontsize=8)
        self.x, self.y = LEFT, 90

    def _advance(self, w):
        if self.x + w > RIGHT and self.x > LEFT:
            self.newline()

    def newline(self):
        self.x = LEFT
        self.y += LEAD
        if self.y > H - 72:
            self.new_page()

    def word(self, text):
        w = pymupdf.get_text_length(text, fontname=FONT, fontsize=SIZE)
        self._advance(w)
        self.page.insert_text((self.x, self.y), text, fontname=FONT, fontsize=SIZE)
        self.x += w + pymupdf.get_text_length(" ", fontname=FONT, fontsize=SIZE)

    def box(self, text, label=None):
        w = pymupdf.get_text_length(text, fontname=FONT, fontsize=SIZE) + 2
        self._advance(w)
        r = pymupdf.Rect(self.x - 1, self.y - 9, self.x + w - 1, self.y + 3)
        self.page.draw_rect(r, color=(0, 0, 0), fill=(0, 0, 0), width=0)
        if label:
            self.page.insert_text((r.x0 + 2, r.y0 + 8.5), label, fontname=FONT, fontsize=7, color=(1, 1, 1))
        self.boxes.append({"page": self.page.number + 1, "bbox": [r.x0, r.y0, r.x1, r.y1], "text": text})
        self.x += w + pymupdf.get_text_length(" ", fontname=FONT, fontsize=SIZE)

    def passage(self, segs, redact=(), label="(b)(6)", tag=""):
        """``redact``: slot names to withhold; each box's truth gets ``slot`` = tag + name."""
        for seg in segs:
            if seg == "\n":
                self.newline()
            elif isinstance(seg, tuple):
                _, name, text = seg
                if name in redact:
                    self.box(text, label)
                    self.boxes[-1]["slot"] = tag + name
                else:
                    for t in text.split():
                        self.word(t)
            else:
                for t in seg.split():
                    self.word(t)
        self.newline()

    def text(self, line):
        self.passage([line])


def _doc(path, build) -> list[dict]:
    doc = pymupdf.open()
    wr = Writer(doc)
    build(wr)
    doc.save(path, garbage=3, deflate=True)
    doc.close()
    for b in wr.boxes:
        b["file"] = os.path.basename(path)
    return wr.boxes


def _noisy(word: str, rng) -> str:
    """OCR-like noise: letters confused as Tesseract confuses them, on a few words."""
    subs = {"m": "rn", "l": "1", "O": "0", "e": "c", "i": "l", "S": "5"}
    if rng.random() > 0.25:
        return word
    k = rng.randrange(len(word))
    ch = word[k]
    return word[:k] + subs.get(ch, ch) + word[k + 1:]


def scanned_copy(src: str, dest: str, seed: int, dpi: int = 150) -> None:
    """``src`` as a scan: each page an image, with an invisible OCR layer whose words carry noise."""
    rng = random.Random(seed)
    with pymupdf.open(src) as s:
        out = pymupdf.open()
        for p in s:
            pix = p.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            page = out.new_page(width=p.rect.width, height=p.rect.height)
            page.insert_image(page.rect, stream=pix.tobytes("jpeg", jpg_quality=80))
            for x0, y0, x1, y1, word, *_ in p.get_text("words"):
                page.insert_text((x0, y1 - 0.22 * (y1 - y0)), _noisy(word, rng) + " ", fontsize=SIZE,
                                 fontname=FONT, render_mode=3)
        out.save(dest, garbage=3, deflate=True)
        out.close()


def build_batch(folder: str) -> dict:
    os.makedirs(folder, exist_ok=True)
    boxes: list[dict] = []
    P = lambda n: os.path.join(folder, n)   # noqa: E731
    # the email thread: A withholds names and the phone; B (a later reply quoting it) prints the
    # names but withholds the phone and hours; C (a printout) withholds the sender only
    boxes += _doc(P("a_email_release.pdf"), lambda w: (
        w.text("Records responsive to request 2025-0412."), w.passage(EMAIL_1, {"from", "to", "n1", "ph"}, tag="e1.")))
    boxes += _doc(P("b_reply_thread.pdf"), lambda w: (
        w.passage(["From: Priya Ramanathan", "\n", "Sent: Tuesday, March 4, 2025 11:30 AM", "\n",
                   "To: Daniel Okafor", "\n", "Subject: RE: overtime audit", "\n", "\n",
                   "Thanks, I will call her this week.", "\n", "\n", "-----Original Message-----"]),
        w.passage(EMAIL_1, {"hrs", "ph"}, tag="e1.")))
    boxes += _doc(P("c_email_printout.pdf"), lambda w: (
        w.text("Printed for the file."), w.passage(EMAIL_1, {"from"}, tag="e1."),
        w.text("Attachment: none."), w.passage(EMAIL_2, {"addr", "n2"}, tag="e2.")))
    # the second email in a scanned binder copy (noisy OCR layer), names printed, vendor withheld
    tmp = P("_d_src.tmp.pdf")
    _doc(tmp, lambda w: (w.text("Binder copy, scanned."), w.passage(EMAIL_2, set(), tag="e2.")))
    scanned_copy(tmp, P("d_binder_scan.pdf"), seed=7)
    os.remove(tmp)
    boxes += _doc(P("e_email2_release.pdf"), lambda w: w.passage(EMAIL_2, {"from2", "vend", "addr"}, tag="e2."))
    # a narrative in two records
    boxes += _doc(P("f_incident_report.pdf"), lambda w: (
        w.text("INCIDENT CASE REPORT RD-HZ-118442"), w.text("Narrative:"),
        w.passage(NARRATIVE, {"loc", "rp", "sus"}, tag="nar.")))
    boxes += _doc(P("g_cad_log.pdf"), lambda w: (
        w.text("CAD EVENT LOG 2025-03-08 EVENT 0331"), w.text("Remarks:"),
        w.passage(NARRATIVE, {"rp", "sus"}, tag="nar.")))
    # controls: a similar but different email (withheld), form letters (boilerplate) to three people
    boxes += _doc(P("h_similar_email.pdf"), lambda w: w.passage(EMAIL_SIMILAR, {"cfrom", "cto", "cn1", "cph"},
                                                                 tag="ctl."))
    boxes += _doc(P("i_letter_1.pdf"), lambda w: w.passage(form_letter("Ms. Janet Oduya"), {"dear"}, tag="ctl.l1"))
    boxes += _doc(P("j_letter_2.pdf"), lambda w: w.passage(form_letter("Mr. Paul Rivera"), set()))
    boxes += _doc(P("k_letter_3.pdf"), lambda w: w.passage(form_letter("Dr. Amy Chen"), set()))
    # which boxes another document prints in clear
    printed: dict[str, set] = {}
    for f, slots in (("b", {"e1.from", "e1.to", "e1.n1"}), ("c", {"e1.to", "e1.n1", "e1.hrs", "e1.ph",
                                                                  "e2.from2", "e2.vend"}),
                     ("a", {"e1.hrs"}), ("d", {"e2.from2", "e2.vend", "e2.addr", "e2.n2", "e2.to2"}),
                     ("e", {"e2.n2"}), ("g", {"nar.loc"})):
        for s in slots:
            printed.setdefault(s, set()).add(f)
    for b in boxes:
        s = b.get("slot", "")
        b["control"] = s.startswith("ctl.")
        b["recoverable"] = bool(printed.get(s, set()) - {b["file"][0]})
    return {"files": sorted(f for f in os.listdir(folder) if f.endswith(".pdf")), "boxes": boxes}


# -- release pairs ------------------------------------------------------------------------------
def build_release_pair(old: str, new: str) -> dict:
    """Two releases of the same records; returns the changes the diff must find."""
    os.makedirs(old, exist_ok=True)
    os.makedirs(new, exist_ok=True)

    def memo(w, redact, labels, extra_page=False):
        w.text("MEMORANDUM FOR THE RECORD request 2025-0412")
        w.passage(EMAIL_1, redact, label=labels.get("default", "(b)(6)"), tag="m.")
        w.new_page()
        w.text("Second page: follow-up notes on the audit.")
        w.passage(NARRATIVE, {"loc", "rp", "sus"}, label=labels.get("nar", "(b)(7)(C)"), tag="m2.")
        if extra_page:
            w.new_page()
            w.text("Third page: the watch commander's reply.")
            w.passage(["The watch commander has reviewed the sheets and will report by the end of the month."])

    # doc 1: lifted (n1, ph), added (hrs), same (from, to)
    _doc(os.path.join(old, "memo_audit.pdf"), lambda w: memo(w, {"from", "to", "n1", "ph"}, {}))
    _doc(os.path.join(new, "memo_audit.pdf"), lambda w: memo(w, {"from", "to", "hrs"}, {}, extra_page=True))
    # doc 2: exemption changed on the narrative page; page 2 of the old withdrawn in the new
    _doc(os.path.join(old, "email_vendor.pdf"), lambda w: (w.passage(EMAIL_2, {"vend", "addr"}, label="(b)(4)"),
                                                          w.new_page(), w.text("Routing slip: file 88-A.")))
    _doc(os.path.join(new, "email_vendor.pdf"), lambda w: w.passage(EMAIL_2, {"vend", "addr"}, label="(b)(7)(C)"))
    # doc 3: narrowed (the name box -> the surname only) and widened (the address box grows over
    # the words before it)
    def nar(w, mode):
        w.text("INCIDENT CASE REPORT RD-HZ-118442")
        if mode == "old":
            w.passage(NARRATIVE, {"rp", "loc"}, tag="n.")
        else:
            segs = list(NARRATIVE)
            i = segs.index(slot("rp", "Angela Whitfield"))
            segs[i:i + 1] = ["Angela", slot("rp", "Whitfield")]
            j = segs.index(slot("loc", "1418 South Karlov Avenue"))
            segs[j - 1:j + 1] = [segs[j - 1][:-len("a disturbance at")], slot("loc", "a disturbance at 1418 South Karlov Avenue")]
            w.passage(segs, {"rp", "loc"}, tag="n.")
    _doc(os.path.join(old, "incident.pdf"), lambda w: nar(w, "old"))
    _doc(os.path.join(new, "incident.pdf"), lambda w: nar(w, "new"))
    # doc 4: unchanged, renamed in the new release (matched by sha256)
    _doc(os.path.join(old, "letter.pdf"), lambda w: w.passage(form_letter("Ms. Janet Oduya"), {"dear"}))
    with open(os.path.join(old, "letter.pdf"), "rb") as fh, open(os.path.join(new, "letter_2025.pdf"), "wb") as out:
        out.write(fh.read())
    # every change the diff must find: (type, old page, new page, freed text or None)
    return {
        "memo_audit.pdf": [("lifted", 1, 1, "Sergeant Lisa Moreno"), ("lifted", 1, 1, "312-555-0147"),
                           ("added", 1, 1, None), ("page_added", None, 3, None)],
        "email_vendor.pdf": [("exemption_changed", 1, 1, None), ("exemption_changed", 1, 1, None),
                             ("page_withdrawn", 2, None, None)],
        "incident.pdf": [("narrowed", 1, 1, "Angela"), ("widened", 1, 1, None)],
        "letter.pdf": [],
    }


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/gen_crossdoc"
    idx = build_batch(os.path.join(out, "batch"))
    print(len(idx["files"]), "files,", len(idx["boxes"]), "boxes,",
          sum(b["recoverable"] for b in idx["boxes"]), "recoverable")
    print(build_release_pair(os.path.join(out, "old"), os.path.join(out, "new")))
