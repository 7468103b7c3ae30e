"""The HTML report in a real headless Chromium (Debian's ``chromium``, installed by install.sh):
no horizontal overflow at 1400 px, the redactions table at full height (no inner scroll box),
finding member lists collapsed, filtering works, no request leaves the page, and a screenshot is
saved for a person to look at.  Skips cleanly when no Chromium is installed.

The browser is driven with its own command line (``--headless --dump-dom`` / ``--screenshot``):
a probe script appended to a copy of the report measures the layout after load and writes the
facts into the DOM, which ``--dump-dom`` prints."""
import json
import os
import re
import shutil
import subprocess

import pytest

import gen_batches
from redactlens import scan_many
from redactlens.model import DocumentReport
from redactlens.report import html_text

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (install.sh installs it)")
WIDTH = 1400

PROBE = """<script>
(function () {
  var out = {};
  var se = document.scrollingElement;
  out.scrollWidth = se.scrollWidth; out.innerWidth = window.innerWidth;
  var wrap = document.querySelector('.tablewrap');
  out.wrapScrolls = wrap ? (wrap.scrollHeight > wrap.clientHeight + 1) : false;
  var rows = document.querySelectorAll('#rt tbody tr');
  out.rows = rows.length;
  out.rowsVisible = Array.prototype.filter.call(rows, function (r) { return r.getBoundingClientRect().height > 0; }).length;
  out.details = document.querySelectorAll('#findings details.members').length;
  out.openMembers = document.querySelectorAll('#findings details.members.refs[open]').length;
  var lis = document.querySelectorAll('ol.findings > li');
  out.findingOverflow = Array.prototype.some.call(lis, function (li) { return li.scrollWidth > li.clientWidth + 1; });
  var q = document.getElementById('fl'); q.checked = true; q.dispatchEvent(new Event('change'));
  out.leakRowsShown = Array.prototype.filter.call(rows, function (r) { return r.style.display !== 'none'; }).length;
  q.checked = false; q.dispatchEvent(new Event('change'));
  var t = document.getElementById('q'); t.value = 'call-03.pdf'; t.dispatchEvent(new Event('input'));
  out.textRowsShown = Array.prototype.filter.call(rows, function (r) { return r.style.display !== 'none'; }).length;
  t.value = ''; t.dispatchEvent(new Event('input'));
  out.resources = performance.getEntriesByType('resource').length;
  out.thumbs = document.querySelectorAll('.sheet img').length;
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def _chromium(*args, timeout=120):
    cmd = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--host-resolver-rules=MAP * ~NOTFOUND", f"--window-size={WIDTH},1800", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    paths = gen_batches.make_batch(str(root / "batch"), "field_inconsistent")
    leak = gen_batches.make_batch(str(root / "leak"), "leak")
    batch = scan_many(paths, workers=0)
    batch.documents += [d for d in scan_many(leak, workers=0).documents if d.leaks][:1]
    batch.documents.append(DocumentReport(path=str(root / "notes.txt"), error="not a PDF", skipped=True))
    from redactlens.consistency import analyse_batch
    batch.consistency = analyse_batch(batch)
    html = html_text(batch, workers=0)
    path = root / "report.html"
    path.write_text(html, encoding="utf-8")
    probe = root / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return root, path, probe, batch


def test_layout_filter_and_no_network(report):
    root, _, probe, batch = report
    res = _chromium("--dump-dom", probe.as_uri())
    m = re.search(r'<pre id="probe">(.*?)</pre>', res.stdout, re.S)
    assert m, res.stderr[-2000:]
    facts = json.loads(m.group(1).replace("&quot;", '"'))
    n = sum(len(d.redactions) for d in batch.documents)
    assert facts["scrollWidth"] <= facts["innerWidth"], facts        # no horizontal scrollbar
    assert not facts["wrapScrolls"], facts                            # the table is full height
    assert facts["rows"] == n and facts["rowsVisible"] == n, facts     # every row laid out
    assert not facts["findingOverflow"], facts
    assert facts["details"] >= 1 and facts["openMembers"] == 0, facts  # member lists collapsed
    leaks = sum(1 for d in batch.documents for r in d.redactions if r.leak)
    assert leaks >= 1 and facts["leakRowsShown"] == leaks, facts      # the "recoverable only" filter
    call03 = sum(len(d.redactions) for d in batch.documents if os.path.basename(d.path) == "call-03.pdf")
    assert 0 < facts["textRowsShown"] == call03 < n, facts            # the text filter
    assert facts["resources"] == 0, facts                             # nothing requested from anywhere
    pages_with = sum(len({r.page for r in d.redactions}) for d in batch.documents)
    assert facts["thumbs"] == pages_with, facts                       # thumbnails only of pages with boxes


def test_screenshot(report):
    root, path, _, _ = report
    shot = root / "report.png"
    res = _chromium(f"--screenshot={shot}", path.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000, res.stderr[-2000:]
    keep = os.environ.get("REDACTLENS_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, os.path.join(keep, "report.png"))
