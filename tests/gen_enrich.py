"""Deterministic generator of labelled PDFs for enrichment (issue 4): field, exemptions, hidden size.

Three layouts (key:value forms, tables with column headers, narratives) in three fonts
(Helvetica, Times, Courier) at 8, 9, 10, 11 and 12 pt.  Every box records its truth:

* ``field``        -- what the hidden value is (``unknown`` where nothing on the page says so);
* ``exemptions``   -- the normalised codes a reader of the page would cite for this box, with
  ``source`` (``label`` on the box, ``adjacent`` code next to it, ``margin`` code level with it,
  ``footer`` list of the page, or ``""`` for an unlabelled box on a page without any list: [] );
* ``hidden``       -- the hidden string (``est_chars`` truth = its length) or ``lines`` for a
  paragraph box;
* ``glyph_width``  -- narratives only: the hidden text is typeset and then removed with MuPDF's
  redaction (``apply_redactions``), which keeps the positions of the glyphs after it, so the
  exact width of what was removed is known.

Forms and tables draw boxes where the value would have been (the text is never written); labels
are white text on the black box, or black text in an outlined white box (FOIA style).  Pages with
an even size index carry only on-box labels and unlabelled boxes; odd ones add margin codes, a
footer list and adjacent codes.  Values printed in the clear (open form fields and table cells)
come from the same pools as the hidden ones, so a batch holds candidates for glyph ranking.

    python tests/gen_enrich.py OUTDIR      # writes *.pdf and truth.json
"""
from __future__ import annotations

import json
import os
import random
import sys

import pymupdf

W, H = 612.0, 792.0
FONTS = {"helv": ("Helvetica", "hebo"), "tiro": ("Times", "tibo"), "cour": ("Courier", "cobo")}
SIZES = (8, 9, 10, 11, 12)
LAYOUTS = ("form", "table", "narrative")
B6, B7C, B7E = "5 USC 552(b)(6)", "5 USC 552(b)(7)(C)", "5 USC 552(b)(7)(E)"

NAMES = ["Maria Gonzalez", "James O'Neill", "Kwame Mensah", "Dorothy Whitfield", "Raj Patel", "Tom Berg",
         "Katarzyna Nowak", "Marcus T. Bell", "Yusuf Adeyemi", "Ellen Marsh", "Hiroshi Tanaka", "Li Wei",
         "Rosa Martinez", "Connor Walsh", "Fatima Zahra", "Grace Kim", "Samuel Okafor", "Ana Ferreira",
         "Peter Lindqvist", "Olga Ivanova", "Devon Brooks", "Nadia Rahman", "Luis Ortega", "Mei Chen"]
VALUES = {
    "person_name": NAMES,
    "address": ["1420 Oak Ridge Drive", "77 W. Madison St.", "903 Elm Ave., Apt 4B", "12 Harbor View Rd",
                "5560 N. Clark Street", "2201 Westfield Blvd", "41 Cedar Lane", "7 Old Mill Road",
                "318 Pine St", "1600 S. Michigan Ave", "88 Lakeview Terrace", "2045 Bardstown Rd"],
    "phone": ["(502) 555-0143", "312-555-0199", "555-0172", "(859) 555-0110", "606.555.0123",
              "270-555-0188", "(773) 555-0164", "502-555-0117"],
    "email": ["mgonzalez@example.com", "j.oneill@mail.net", "raj.patel77@example.org", "tberg@example.com",
              "ellen_marsh@city.gov", "grace.kim@webmail.com"],
    "date_of_birth": ["03/14/1987", "11/02/1975", "7/9/1999", "01/30/2004", "1962-08-21", "12/05/1990",
                      "04/22/1968", "9/17/1983"],
    "date": ["03/14/2021", "11/02/2019", "June 4, 2020", "2018-08-21", "12/05/2022", "Jan. 9, 2017"],
    "ssn": ["123-45-6789", "402-18-9931", "555-01-2468", "318-22-4410"],
    "license_plate": ["ABC 1234", "7XYZ219", "KY 482-TRM", "JHN 5521", "1RT 908", "GDX-4417"],
    "id_number": ["D12345678", "S530-4417-8812", "11452", "CB 19384756", "A-4471902", "HX 204918"],
    "organization": ["Acme Roofing LLC", "Riverside Diner", "Verizon Wireless", "Lakeview Towing Co."],
    "unknown": ["Toyota Camry", "blue", "Acme Roofing LLC", "the old mill", "Ridgeway Park", "north lot",
                "a green duffel bag", "Riverside Diner"],
}
FORM_LABELS = {
    "person_name": ["Suspect Name:", "Victim:", "Witness:", "Reporting Party:", "Complainant:", "Officer:",
                    "Driver:", "Name:"],
    "address": ["Address:", "Home Address:", "Location:", "Residence:"],
    "phone": ["Phone:", "Cell Phone:", "RP Phone:", "Telephone:"],
    "email": ["Email:", "E-mail Address:"],
    "date_of_birth": ["DOB:", "Date of Birth:"],
    "ssn": ["SSN:", "Social Security No.:"],
    "license_plate": ["Plate:", "License Plate:", "Tag No.:"],
    "id_number": ["Driver's License #:", "Badge #:", "OLN:", "Booking No.:"],
    "date": ["Incident Date:", "Date Reported:"],
    # organization joined the vocabulary (issue 13): "Employer:" names a field now
    "organization": ["Employer:", "Vendor:"],
    "unknown": ["Vehicle Make:", "Color:", "Item:", "Weather:"],
}
TABLE_COLS = [("Name", "person_name"), ("DOB", "date_of_birth"), ("Phone", "phone"), ("Address", "address"),
              ("Plate", "license_plate"), ("Email", "email"), ("Role", "unknown"), ("SSN", "ssn")]
ROLES = ["witness", "victim", "driver", "owner", "caller"]
# (printed label, normalised codes)
BOX_LABELS = [("(b)(6)", [B6]), ("(b)(7)(C)", [B7C]), ("b6; b7C", [B6, B7C]), ("Ex. 6", [B6]),
              ("(b)(6), (b)(7)(C)", [B6, B7C]), ("(b)(7)(E)", [B7E]), ("KRS 61.878(1)(a)", ["KRS 61.878(1)(a)"]),
              ("KRS 17.150(2)", ["KRS 17.150(2)"]), ("B6", [B6]), ("b7E", [B7E]),
              ("(b)(6) (b)(7)(C)", [B6, B7C])]
MARGIN_CODES = [("b6", [B6]), ("b7C", [B7C]), ("(b)(6)", [B6]), ("KRS 61.878(1)(a)", ["KRS 61.878(1)(a)"]),
                ("b6, b7C", [B6, B7C]), ("Ex. 7(C)", [B7C])]
FOOTERS = [("Exemptions applied: (b)(6), (b)(7)(C)", [B6, B7C]),
           ("Redacted under KRS 61.878(1)(a) and KRS 17.150(2)", ["KRS 61.878(1)(a)", "KRS 17.150(2)"]),
           ("FOIA exemptions: b6; b7C; b7E", [B6, B7C, B7E])]
NARRATIVE = [
    ("Officers spoke with {} at the scene.", "person_name"),
    ("The complainant, residing at {}, declined to give a written statement.", "address"),
    ("She said she can be reached at {} during the day.", "phone"),
    ("A grey sedan bearing plate {} was parked across the driveway.", "license_plate"),
    ("{} stated that he had not seen anything unusual that night.", "person_name"),
    ("The witness was born on {} according to the booking sheet.", "date_of_birth"),
    ("The suspect was identified as {} by a neighbour.", "person_name"),
    ("Records list the email address {} for the account holder.", "email"),
    ("The caller described {} as the usual meeting point.", "unknown"),
    ("Nothing further was noted about {} in the log.", "unknown"),
    ("The incident occurred on {} shortly after midnight.", "date"),
    ("His social security number {} was written on the form.", "ssn"),
    ("The driver's license number {} was verified by dispatch.", "id_number"),
    ("Later that evening officers interviewed {} at the station.", "person_name"),
]
FILLER = ["The area was canvassed and no cameras were found.",
          "Units cleared the call at the end of the shift.",
          "A motion to dismiss under Rule 12(b)(6) was mentioned by counsel but not filed.",
          "The property was photographed and the photographs were logged.",
          "No injuries were reported by anyone present."]


def tw(s, font, size):
    return pymupdf.get_text_length(s, fontname=font, fontsize=size)


class Page:
    def __init__(self, doc, fx_name, pno, font, size, listed, rng, truth, printed):
        self.page = doc.new_page(width=W, height=H)
        self.name, self.pno, self.font, self.size, self.listed, self.rng = fx_name, pno, font, size, listed, rng
        self.bold = FONTS[font][1]
        self.truth, self.printed = truth, printed
        self.footer = None
        if listed:
            self.footer = FOOTERS[pno % len(FOOTERS)]

    def text(self, x, y, s, size=None, font=None, color=(0, 0, 0)):
        size = size or self.size
        font = font or self.font
        self.page.insert_text((x, y), s, fontname=font, fontsize=size, color=color)
        return x + tw(s, font, size)

    def vbox(self, x0, y, w):
        """Vertical extent of a one-line box at baseline y."""
        s = self.size
        return (x0, y - 0.82 * s - 0.6, x0 + w, y + 0.26 * s + 0.6)

    def label_choice(self, allow_adjacent=False, box_w=1e9):
        """('label'|'adjacent'|'', printed, codes) for a box, by a seeded draw."""
        r = self.rng.random()
        if r < 0.42:
            return "", "", []
        if allow_adjacent and self.listed and r > 0.85:
            text, codes = self.rng.choice(MARGIN_CODES + BOX_LABELS[:4])
            return "adjacent", text, codes
        lsize = self.label_size()
        fits = [(t, c) for t, c in BOX_LABELS if tw(t, "helv", lsize) <= box_w - 4]
        if not fits:
            return "", "", []
        text, codes = self.rng.choice(fits)
        return "label", text, codes

    def label_size(self):
        return max(5.0, self.size - 3)

    def redact_box(self, box, fld, hidden, kind, label, codes, lines=None, glyph_width=None, outlined=False):
        """Draw the box (unless already drawn by apply_redactions) and its label; record truth."""
        if outlined:
            self.page.draw_rect(pymupdf.Rect(box), color=(0, 0, 0), fill=(1, 1, 1), width=0.8)
        else:
            self.page.draw_rect(pymupdf.Rect(box), color=None, fill=(0, 0, 0))
        self.add_label(box, kind, label, outlined)
        self.record(box, fld, hidden, kind, label, codes, lines, glyph_width)

    def add_label(self, box, kind, label, outlined=False):
        if kind != "label":
            return
        ls = self.label_size()
        y = (box[1] + box[3]) / 2 + 0.33 * ls
        self.page.insert_text((box[0] + 2, y), label, fontname="helv", fontsize=ls,
                              color=(0, 0, 0) if outlined else (1, 1, 1))

    def record(self, box, fld, hidden, kind, label, codes, lines=None, glyph_width=None):
        source = kind
        if not kind and self.listed:
            margin = self.margin_for(box)
            if margin:
                source, codes = "margin", margin
            elif self.footer:
                source, codes = "footer", self.footer[1]
        self.truth.append({"file": self.name, "page": self.pno, "bbox": [round(v, 3) for v in box],
                           "field": fld, "hidden": hidden, "est_chars": len(hidden) if hidden and not lines else None,
                           "lines": lines, "exemptions": list(codes), "source": source, "label": label or None,
                           "layout": self.name.split("-")[0], "font": self.font, "size": self.size,
                           "glyph_width": glyph_width})

    # margin codes, level with some rows of listed pages
    margins: list

    def margin_for(self, box):
        for (y0, y1, codes) in getattr(self, "margins", []):
            if y0 - 2 <= (box[1] + box[3]) / 2 <= y1 + 2:
                return codes
        return None

    def put_margin(self, y):
        text, codes = self.rng.choice(MARGIN_CODES)
        self.page.insert_text((W - 48, y), text, fontname="helv", fontsize=7)
        self.margins = getattr(self, "margins", []) + [(y - self.size, y + 0.3 * self.size, codes)]

    def finish(self):
        if self.footer:
            self.page.insert_text((72, H - 40), self.footer[0], fontname=self.font, fontsize=8)
        self.page.insert_text((W / 2 - 20, H - 24), f"Page {self.pno}", fontname=self.font, fontsize=8)


def _pad(rng, size):
    return rng.uniform(0.06, 0.16) * size


# ---------------------------------------------------------------------------------------------------
def build_form(pg: Page):
    s, rng, font = pg.size, pg.rng, pg.font
    pg.text(72, 60, "INCIDENT REPORT - FORM A", s + 3, pg.bold)
    pg.text(72, 60 + 1.8 * s, f"Report No. 24-{1000 + pg.pno * 7}", s)
    fields = list(FORM_LABELS)
    y = 90 + 2 * s
    pitch = 2.3 * s
    col_x = (72, 318)
    col_w = 230
    n_rows = int((H - 150 - y) / pitch)
    n_rows = min(n_rows, 16)
    margin_rows = set(rng.sample(range(n_rows), k=min(4, n_rows))) if pg.listed else set()
    for row in range(n_rows):
        if row in margin_rows:
            pg.put_margin(y)
        for ci, x in enumerate(col_x):
            fld = fields[(row * 2 + ci + pg.pno) % len(fields)]
            label = rng.choice(FORM_LABELS[fld])
            value = rng.choice(VALUES[fld])
            e = pg.text(x, y, label + " ")
            vw = tw(value, font, s)
            if e + vw + 4 > x + col_w + (40 if ci else 0):
                continue
            if rng.random() < 0.2:                       # printed in the clear
                pg.text(e, y, value)
                pg.printed.append({"field": fld, "text": value})
                continue
            pad = _pad(rng, s)
            x0, t, x1, b = pg.vbox(e - pad, y, vw + 2 * pad)
            box = (x0, t, x1, b)
            kind, text, codes = pg.label_choice(allow_adjacent=(ci == 1 or True), box_w=x1 - x0)
            if kind == "adjacent":
                pg.page.draw_rect(pymupdf.Rect(box), color=None, fill=(0, 0, 0))
                pg.page.insert_text((x1 + 3, y), text, fontname="helv", fontsize=max(6, s - 2))
                pg.record(box, fld, value, "adjacent", text, codes)
            else:
                pg.redact_box(box, fld, value, kind, text, codes, outlined=(kind == "label" and rng.random() < 0.3))
        y += pitch
    pg.finish()


def build_table(pg: Page):
    s, rng, font = pg.size, pg.rng, pg.font
    pg.text(72, 60, "PERSONS ASSOCIATED WITH INCIDENT", s + 3, pg.bold)
    cols = [TABLE_COLS[0]] + rng.sample(TABLE_COLS[1:], 4)
    gap = 2.2 * s
    widths = []
    for head, fld in cols:
        vals = ROLES if fld == "unknown" else VALUES[fld]
        widths.append(max(tw(head, pg.bold, s), max(tw(v, font, s) for v in vals)) + 4)
    while 72 + sum(widths) + gap * (len(cols) - 1) > W - 60 and len(cols) > 3:
        cols.pop()
        widths.pop()
    xs = [72.0]
    for w in widths[:-1]:
        xs.append(xs[-1] + w + gap)
    y = 90 + 2 * s
    for (head, fld), x in zip(cols, xs):
        pg.text(x, y, head, s, pg.bold)
    pg.page.draw_line((72, y + 0.45 * s), (xs[-1] + widths[-1], y + 0.45 * s), width=0.5)
    y += 1.9 * s
    pitch = 1.9 * s
    n_rows = min(18, int((H - 140 - y) / pitch))
    margin_rows = set(rng.sample(range(n_rows), k=min(4, n_rows))) if pg.listed else set()
    for row in range(n_rows):
        if row in margin_rows:
            pg.put_margin(y)
        for (head, fld), x in zip(cols, xs):
            value = rng.choice(ROLES if fld == "unknown" else VALUES[fld])
            if rng.random() < 0.35:
                pg.text(x, y, value)
                if fld != "unknown":
                    pg.printed.append({"field": fld, "text": value})
                continue
            pad = _pad(rng, s)
            vw = tw(value, font, s)
            box = pg.vbox(x - pad, y, vw + 2 * pad)
            kind, text, codes = pg.label_choice(box_w=box[2] - box[0])
            pg.redact_box(box, fld, value, kind, text, codes, outlined=(kind == "label" and rng.random() < 0.3))
        y += pitch
    pg.finish()


def build_narrative(pg: Page):
    """Paragraphs with hidden values, written the way a glyph-preserving redaction tool leaves
    them: the hidden word is simply not written, the glyphs after it keep their positions (one
    text object per line, PyMuPDF's TextWriter), and a black box is drawn over the gap.  The
    spaces next to a hidden word are kept or removed by a seeded draw.  One paragraph per page is
    withheld whole (not written at all, one box over its lines)."""
    s, rng, font = pg.size, pg.rng, pg.font
    pg.text(72, 60, "SUPPLEMENTAL NARRATIVE", s + 3, pg.bold)
    fnt = pymupdf.Font(font)
    left, right = 72.0, W - 72.0
    pitch = 1.3 * s
    y = 90 + 2 * s
    space = tw(" ", font, s)
    pending = []       # (rect, fld, hidden, glyph_width)
    templates = NARRATIVE[:]
    rng.shuffle(templates)
    k = 0
    n_par = 0
    while y < H - 160 and k < len(templates):
        # one paragraph: 2 or 3 templated sentences with fillers between
        words = []
        for _ in range(rng.choice((2, 3))):
            if k >= len(templates):
                break
            tpl, fld = templates[k]
            k += 1
            value = rng.choice(VALUES[fld])
            pre, post = tpl.split("{}")
            for w in pre.split():
                words.append((w, None))
            tail = post.split()
            glue = ""                       # punctuation glued to the value stays in the clear
            if tail and tail[0] in (",", ".", ";"):
                glue = tail.pop(0)
            words.append((value, fld, glue))
            for w in tail:
                words.append((w, None))
            if rng.random() < 0.5:
                for w in rng.choice(FILLER).split():
                    words.append((w, None))
        lines, cur, x = [], [], left
        for item in words:
            text = item[0] + (item[2] if len(item) > 2 else "")
            w = tw(text, font, s)
            if cur and x + w > right:
                lines.append(cur)
                cur, x = [], left
            cur.append(item)
            x += w + space
        if cur:
            lines.append(cur)
        whole = n_par == 2 and len(lines) >= 2
        top = y - 0.82 * s - 0.6
        for line in lines:
            if whole:
                y += pitch
                continue
            writer = pymupdf.TextWriter(pg.page.rect)
            x = left
            seg, seg_x, last_end = "", left, None
            glyph_gaps = []                 # (rect, fld, value, start of gap)
            for idx, it in enumerate(line):
                if len(it) > 2:            # hidden value
                    keep_before = bool(seg) and rng.random() < 0.5
                    keep_after = rng.random() < 0.5
                    if seg:
                        out = seg + (" " if keep_before else "")
                        writer.append((seg_x, y), out, font=fnt, fontsize=s)
                    gap_start = seg_x + tw(seg + (" " if keep_before else ""), font, s) if seg else None
                    w = tw(it[0], font, s)
                    pad = _pad(rng, s)
                    rect = (x - pad, y - 0.82 * s - 0.6, x + w + pad, y + 0.26 * s + 0.6)
                    x += w
                    seg, seg_x = it[2], x   # glued punctuation restarts the text
                    if not it[2] and keep_after and idx + 1 < len(line):
                        seg = " "
                    if not seg:
                        seg_x = x + space
                    more = bool(it[2]) or idx + 1 < len(line)
                    pending.append([rect, it[1], it[0], gap_start, seg_x if more else None])
                    x += tw(it[2], font, s) + space
                    continue
                if seg and not seg.endswith(" "):
                    seg += " "
                seg += it[0]
                x += tw(it[0], font, s) + space
            if seg.strip():
                writer.append((seg_x, y), seg, font=fnt, fontsize=s)
            writer.write_text(pg.page)
            y += pitch
        if whole:
            rect = (left - 1, top, right + 1, y - pitch + 0.26 * s + 0.6)
            pg.page.draw_rect(pymupdf.Rect(rect), color=None, fill=(0, 0, 0))
            pg.record(rect, "narrative", "", "", "", [], lines=len(lines))
        y += 0.8 * s
        n_par += 1
    for rect, fld, value, gap_start, next_x in pending:
        pg.page.draw_rect(pymupdf.Rect(rect), color=None, fill=(0, 0, 0))
        kind, text, codes = pg.label_choice(box_w=rect[2] - rect[0])
        pg.add_label(rect, kind, text)
        gw = None
        if gap_start is not None and next_x is not None and next_x < right:
            gw = round(next_x - gap_start, 3)
        pg.record(rect, fld, value, kind, text, codes, glyph_width=gw)
    pg.finish()


def build_hard(pg: Page):
    """The harder form: labels stacked above the box, labels without a colon, and boxes drawn
    with a wide, uneven margin.  A label without a colon cannot be told from a value of the cell
    to its left (a 'witness' in a Role column), so the rules say ``unknown`` there: the truth keeps
    the real field, and the figures show the cost of not guessing."""
    s, rng, font = pg.size, pg.rng, pg.font
    pg.text(72, 60, "FIELD INTERVIEW CARD", s + 3, pg.bold)
    fields = [f for f in FORM_LABELS if f != "unknown"]
    y = 90 + 2 * s
    k = 0
    while y < H - 140:
        fld = fields[(k + pg.pno) % len(fields)]
        k += 1
        value = rng.choice(VALUES[fld])
        label = rng.choice(FORM_LABELS[fld])
        vw = tw(value, font, s)
        pad = rng.uniform(0.1, 0.45) * s
        style = ("stacked", "colonless", "wide")[k % 3]
        if style == "stacked":           # "Label:" alone on its line, the box under it
            pg.text(72, y, label)
            y += 1.5 * s
            box = pg.vbox(72 - pad, y, vw + 2 * pad)
        elif style == "colonless":       # "Name" then the box
            e = pg.text(72, y, label.rstrip(":.").rstrip() + "   ")
            box = pg.vbox(e - pad, y, vw + 2 * pad)
        else:                            # "Label:" and a box with a wide margin
            e = pg.text(72, y, label + " ")
            box = pg.vbox(e - pad, y, vw + 2 * pad)
        kind, text, codes = pg.label_choice(box_w=box[2] - box[0])
        pg.redact_box(box, fld, value, kind, text, codes)
        pg.truth[-1]["hard"] = style
        y += 2.4 * s
    pg.finish()


BUILDERS = {"form": build_form, "table": build_table, "narrative": build_narrative, "hard": build_hard}


def build_all(out: str, layouts=LAYOUTS) -> dict:
    """Write every fixture into ``out``; return {"truth": [...], "printed": [...]}.
    ``layouts=("hard",)`` writes the harder form set instead (see :func:`build_hard`)."""
    os.makedirs(out, exist_ok=True)
    truth, printed = [], []
    for layout in layouts:
        for font in FONTS:
            name = f"{layout}-{FONTS[font][0].lower()}"
            doc = pymupdf.open()
            for si, size in enumerate(SIZES):
                rng = random.Random(f"{name}-{size}")
                pg = Page(doc, name + ".pdf", si + 1, font, size, listed=bool(si % 2), rng=rng,
                          truth=truth, printed=printed)
                BUILDERS[layout](pg)
            doc.save(os.path.join(out, name + ".pdf"), garbage=3, deflate=True)
            doc.close()
    index = {"truth": truth, "printed": printed}
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1)
    return index


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "enrich-fixtures"
    idx = build_all(out, ("hard",) if "--hard" in sys.argv else LAYOUTS)
    print(f"{len(idx['truth'])} boxes in {out}")


# -- scanned memos (no text layer): what only a close reading of the scan shows --------------------
MEMO_DPI = 200


def build_scanned_memo(path: str, rotate: int = 0, seed: int = 0) -> list[dict]:
    """A scanned payment memo without any text layer (the Chicago PD 1505 memos' layout): burned-in
    black bars over handwritten signatures above typed name / title / unit blocks (the signature's
    strokes cross the typed name), a sideways RECEIVED stamp (text turned a quarter, reading
    downwards, or upwards with ``seed`` odd) with a tall bar over its ``Signature:`` line, and
    negatives: a bar over a form value after ``Vehicle Make:`` (a label naming no field), a bar
    above a ``P.O. Box`` address line, a bar above an untitled unit line, and a tall bar after a
    sideways ``Color:``.  ``rotate`` 90 stores the scan sideways under /Rotate 90.  Returns the
    truth: {"bbox" (displayed page), "field", "case"}."""
    import cv2
    import numpy as np
    from gen_scans import degrade

    rng = np.random.default_rng(500 + seed + rotate)
    src = pymupdf.open()
    p = src.new_page(width=W, height=H)
    font, size = "cour", 10.0
    truth: list[dict] = []
    bars: list[tuple] = []
    strokes: list[tuple] = []

    def text(x, y, s, rot=0):
        p.insert_text((x, y), s, fontsize=size, fontname=font, rotate=rot)
        return x + pymupdf.get_text_length(s, fontname=font, fontsize=size)

    def bar(r, field, case):
        bars.append(r)
        truth.append({"bbox": list(r), "field": field, "case": case})

    text(72, 72, "BUREAU OF ORGANIZED CRIME")
    text(400, 72, "26 December 2013")
    y = 110
    for lab, val in (("To:", "Commanding Officer"), ("From:", "Technical Unit"), ("Subject:", "Payment Request")):
        text(72, y, lab)
        text(180, y, val)
        y += 16
    x = text(72, y + 4, "Vehicle Make:")
    bar((x + 8, y - 6, x + 120, y + 8), "unknown", "form value, label naming no field")
    y += 40
    words = ("approval is requested to draw from the fund for payment of the attached invoice "
             "covering the billing cycle of the units listed below").split()
    for k in range(3):
        text(72, y, " ".join(words[k * 8:k * 8 + 8]))
        y += 13
    # signature blocks: a bar over the handwritten signature, the typed block under it
    blocks = [((330, 330), ("P.O. Deborah Leodoro, #6823", "Unit 188", "Bureau of Organized Crime")),
              ((72, 420), ("Maureen Biggane", "Commanding Officer", "Bureau of Organized Crime")),
              ((72, 520), ("Nicholas J. Roti", "Chief", "Bureau of Organized Crime"))]
    for (bx, by), lines in blocks:
        w = pymupdf.get_text_length(lines[0], fontname=font, fontsize=size)
        bar((bx + 4, by - 30, bx + min(w, 130), by - 4), "signature", "signature above a typed name and title")
        strokes.append((bx + 8, by - 14, min(w, 130)))
        for k, s in enumerate(lines):
            text(bx, by + 8 + 12 * k, s)
    # negatives: a bar above an address line, a bar above an untitled unit line
    bar((330, 430, 460, 452), "unknown", "bar above a P.O. Box address line")
    text(330, 466, "P.O. Box 6463, Carol Stream")
    text(330, 478, "Illinois 60197")
    bar((330, 520, 460, 540), "unknown", "bar above an untitled unit line")
    text(330, 554, "Unit 188")
    text(330, 566, "Bureau of Organized Crime")
    # the sideways RECEIVED stamp: lines turned a quarter, a tall bar after 'Signature:'
    down = seed % 2 == 0
    rot = 270 if down else 90          # PyMuPDF: 270 reads downwards on the page, 90 upwards
    x0, y0 = 470.0, 600.0
    for k, (lab, val) in enumerate((("Check #:", "12322"), ("For $:", "15,040.93"), ("Date:", "8 Jan 14"),
                                    ("Signature:", None))):
        xl = x0 + 18 * (3 - k) if down else x0 + 18 * k
        lw = pymupdf.get_text_length(lab, fontname=font, fontsize=size)
        if down:
            text(xl, y0, lab, rot)
            r = (xl - 10.5, y0 + lw + 3, xl + 2.5, y0 + lw + 90)
        else:
            text(xl, y0 + 160, lab, rot)
            r = (xl - 10.5, y0 + 160 - lw - 90, xl + 2.5, y0 + 160 - lw - 3)
        if val is None:
            bar(r, "signature", "sideways stamp: bar after 'Signature:'")
        else:
            p.insert_text((xl, (y0 + lw + 8) if down else (y0 + 160 - lw - 8)), val, fontsize=size,
                          fontname=font, rotate=rot)
    xr = 380.0
    lw = pymupdf.get_text_length("Color:", fontname=font, fontsize=size)
    text(xr, y0, "Color:", 270)
    bar((xr - 10.5, y0 + lw + 3, xr + 2.5, y0 + lw + 80), "unknown", "sideways stamp: bar after 'Color:' (names no field)")

    pix = p.get_pixmap(dpi=MEMO_DPI, colorspace=pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width].copy()
    k = MEMO_DPI / 72.0
    for sx, sy, sw in strokes:      # a looping signature that crosses the typed name under the bar
        pts = [(int((sx + t * sw + 9 * np.cos(t * 31)) * k), int((sy + 16 * np.sin(t * 31) + 10 * t) * k))
               for t in np.linspace(0, 1, 140)]
        cv2.polylines(img, [np.int32(pts)], False, 30, max(2, int(1.2 * k)), cv2.LINE_AA)
    for r in bars:
        img[int(r[1] * k):int(r[3] * k), int(r[0] * k):int(r[2] * k)] = 18
    jpeg, _m = degrade(img, rng, 0.0, 88, 2.5)
    doc = pymupdf.open()
    if rotate:
        page = doc.new_page(width=H, height=W)
        page.set_rotation(rotate)
        page.insert_image(pymupdf.Rect(0, 0, H, W), stream=jpeg, rotate=rotate)
    else:
        page = doc.new_page(width=W, height=H)
        page.insert_image(page.rect, stream=jpeg)
    doc.save(path, garbage=3, deflate=True)
    return truth
