"""URLs as inputs: downloaded into memory from a local HTTP server on 127.0.0.1 (no other network)."""
import http.server
import threading
import time
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

import redactlens
from redactlens import fetch as F
from redactlens.cli import main
from redactlens.settings import Settings

OFF = Settings(ocr="off")


def _pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 100), "Caller Name: Jane Q Example", fontsize=11)
    page.draw_rect(pymupdf.Rect(150, 88, 260, 104), color=(0, 0, 0), fill=(0, 0, 0))
    page.insert_text((72, 140), "Rotated sample page for a URL scan.", fontsize=11)
    return doc.tobytes()


PDF = _pdf()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _send(self, status, body=b"", ctype="application/pdf", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k == "Content-Length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            try:
                self.wfile.write(body)
            except OSError:   # the client gave up (the timeout test)
                pass

    def do_GET(self):
        p = self.path
        if p == "/doc.pdf":
            return self._send(200, PDF)
        if p in ("/records/", "/get?id=7"):   # no file name in the URL
            return self._send(200, PDF)
        if p == "/octet":
            return self._send(200, PDF, ctype="application/octet-stream")
        if p == "/missing.pdf":
            return self._send(404, b"not here", ctype="text/plain")
        if p == "/secret.pdf":
            return self._send(403, b"no", ctype="text/plain")
        if p == "/boom.pdf":
            return self._send(500, b"oops", ctype="text/plain")
        if p == "/loop-a":
            return self._send(302, headers=[("Location", "/loop-b")])
        if p == "/loop-b":
            return self._send(302, headers=[("Location", "/loop-a")])
        if p.startswith("/chain/"):
            n = int(p.rsplit("/", 1)[1])
            return self._send(302, headers=[("Location", f"/chain/{n + 1}" if n < 30 else "/doc.pdf")])
        if p == "/moved":
            return self._send(301, headers=[("Location", "/doc.pdf")])
        if p == "/viewer.pdf":
            body = b"<!doctype html><html><body>" + b"x" * 2000 + b"</body></html>"
            return self._send(200, body, ctype="text/html; charset=utf-8")
        if p == "/huge.pdf":   # says it is huge: refused before the body is read
            return self._send(200, b"", headers=[("Content-Length", str(10 ** 12))])
        if p == "/stream.pdf":   # no length: the cap stops the read
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                self.wfile.write(b"%PDF-1.7\n" + b"0" * 200_000)
            except OSError:
                pass
            return
        if p == "/slow.pdf":
            time.sleep(3)
            return self._send(200, PDF)
        return self._send(404, b"", ctype="text/plain")


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_scan_url_keeps_the_url_and_matches_the_bytes(server):
    url = f"{server}/doc.pdf"
    rep = redactlens.scan(url, settings=OFF)
    local = redactlens.scan(PDF, name="doc.pdf", settings=OFF)
    assert rep.error is None
    assert rep.path == url
    assert rep.sha256 == local.sha256
    assert [r.bbox for r in rep.redactions] == [r.bbox for r in local.redactions]
    assert len(rep.redactions) == 1
    assert rep.redactions[0].id.startswith("doc.pdf#p1")


def test_ids_of_a_url_without_a_file_name(server):
    """A URL ending in "/" or naming its file in a query still gives ids a name."""
    for path, name in (("/records/", "records"), ("/get?id=7", "get")):
        rep = redactlens.scan(server + path, settings=OFF)
        assert rep.error is None and rep.path == server + path
        assert rep.redactions[0].id.startswith(name + "#p1"), rep.redactions[0].id


def test_octet_stream_and_redirects_followed(server):
    for path in ("/octet", "/moved", "/chain/25"):
        rep = redactlens.scan(server + path, settings=OFF)
        assert rep.error is None, (path, rep.error)
        assert len(rep.redactions) == 1


@pytest.mark.parametrize("path, code, words", [
    ("/missing.pdf", "not_found", "HTTP 404"),
    ("/secret.pdf", "permission_denied", "HTTP 403"),
    ("/boom.pdf", "fetch_failed", "HTTP 500"),
    ("/loop-a", "fetch_failed", "redirect loop"),
    ("/chain/0", "fetch_failed", "too many redirects"),
    ("/viewer.pdf", "not_pdf", "HTML page"),
    ("/huge.pdf", "too_large", "too large"),
])
def test_http_failures_are_specific_document_errors(server, path, code, words):
    rep = redactlens.scan(server + path, settings=OFF)
    assert rep.error_code == code, rep.error
    assert words in rep.error
    assert rep.path == server + path
    assert rep.redactions == []


def test_size_cap_stops_a_body_without_length(server):
    rep = redactlens.scan(server + "/stream.pdf", settings=OFF.replace(max_bytes=50_000))
    assert rep.error_code == "too_large"
    assert "50000" in rep.error


def test_timeout(server, monkeypatch):
    monkeypatch.setattr(F, "FETCH_TIMEOUT_S", 0.5)
    t0 = time.monotonic()
    rep = redactlens.scan(server + "/slow.pdf", settings=OFF)
    assert time.monotonic() - t0 < 2.5
    assert rep.error_code == "fetch_failed"
    assert "within 0.5 s" in rep.error


def test_connection_refused():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()   # nothing listens there now
    rep = redactlens.scan(f"http://127.0.0.1:{port}/x.pdf", settings=OFF)
    assert rep.error_code == "fetch_failed"
    assert "cannot connect" in rep.error


def test_a_failing_url_does_not_stop_the_batch(server, tmp_path):
    local = tmp_path / "local.pdf"
    local.write_bytes(PDF)
    batch = redactlens.scan_many([f"{server}/missing.pdf", f"{server}/doc.pdf", str(local)], workers=0,
                                 settings=OFF)
    assert [d.path for d in batch.documents] == [f"{server}/missing.pdf", f"{server}/doc.pdf", str(local)]
    assert [d.error_code for d in batch.documents] == ["not_found", None, None]
    ids = [r.id for d in batch.documents for r in d.redactions]
    assert len(ids) == len(set(ids)) == 2   # two doc.pdf-like names stay distinct


def test_cli_accepts_urls_and_resumes_them(server, tmp_path):
    out = tmp_path / "out.jsonl"
    url = f"{server}/doc.pdf"
    res = CliRunner().invoke(main, ["scan", url, f"{server}/viewer.pdf", "--jsonl", str(out), "--workers", "0",
                                    "--ocr", "off"])
    assert res.exit_code == 1, res.output   # one document failed
    assert "HTML page" in res.output
    lines = out.read_text().splitlines()
    assert len(lines) == 2
    res = CliRunner().invoke(main, ["scan", url, "--jsonl", str(out), "--resume", "--workers", "0", "--ocr", "off"])
    assert res.exit_code == 0, res.output
    assert "resumed: 1" in res.output
    # the URL already done is not downloaded again; the failed one's line was dropped to be retried
    assert [ln.count(url) > 0 for ln in out.read_text().splitlines()] == [True]


def test_plain_paths_that_look_like_words_are_not_urls():
    assert F.is_url("https://x.org/a.pdf") and F.is_url("HTTP://x.org/a.pdf")
    assert not F.is_url("httpx.pdf") and not F.is_url("ftp://x/a.pdf") and not F.is_url(Path("http://x"))
