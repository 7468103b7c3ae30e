"""URLs as inputs: ``redactlens scan https://example.org/release.pdf``.

A URL is downloaded into memory (never to disk) with a size cap (``Settings.max_bytes``, checked
against ``Content-Length`` before the body is read and again while it is read) and a timeout
(:data:`FETCH_TIMEOUT_S` per connect and per read, :data:`FETCH_DEADLINE_S` for the whole
download), following at most :data:`MAX_REDIRECTS` redirects.  The report keeps the URL as its
``path``.  Every failure is a :class:`~redactlens.errors.DocumentError` with a message that says
what went wrong (HTTP status, redirect loop, not a PDF, too large, timeout, DNS ...): one URL
failing never stops a batch.  Built on urllib3 (see ``docs/dependencies.md``).
"""
from __future__ import annotations

import time

from .errors import DocumentError, NotFound, NotPdf, PermissionDenied, TooLarge

#: schemes read as URLs (anything else is a path)
SCHEMES = ("http://", "https://")
#: seconds to connect, and between two reads of the body; a server that stalls longer fails
FETCH_TIMEOUT_S = 30.0
#: seconds for a whole download (a 1 GB file at 10 MB/s takes 100 s)
FETCH_DEADLINE_S = 600.0
#: redirects followed; a chain that goes on (or comes back to a URL already seen) is refused
MAX_REDIRECTS = 10
CHUNK = 1 << 16
USER_AGENT = "redactlens (+https://pypi.org/project/redactlens/)"


class FetchError(DocumentError):
    """A URL could not be downloaded (network, HTTP status, redirects)."""
    code = "fetch_failed"


def is_url(source) -> bool:
    return isinstance(source, str) and source[:8].lower().startswith(SCHEMES)


def _pool(timeout: float):
    import urllib3
    return urllib3.PoolManager(timeout=urllib3.Timeout(connect=timeout, read=timeout), retries=False,
                               headers={"User-Agent": USER_AGENT, "Accept": "application/pdf, */*;q=0.5"})


def fetch(url: str, max_bytes: int, timeout: float | None = None, deadline: float | None = None) -> bytes:
    """The bytes at ``url`` (at most ``max_bytes``).  Raises :class:`FetchError`,
    :class:`~redactlens.errors.NotFound` (404/410), :class:`~redactlens.errors.PermissionDenied`
    (401/403), :class:`~redactlens.errors.TooLarge` or :class:`~redactlens.errors.NotPdf` (the
    server says it sends HTML or another non-PDF type and the body has no ``%PDF-`` header)."""
    import urllib3
    from urllib.parse import urljoin
    timeout = FETCH_TIMEOUT_S if timeout is None else timeout
    deadline = FETCH_DEADLINE_S if deadline is None else deadline
    pool = _pool(timeout)
    seen = [url]
    start = time.monotonic()
    current = url
    try:
        while True:
            try:
                resp = pool.request("GET", current, redirect=False, preload_content=False)
            except urllib3.exceptions.LocationParseError:
                raise FetchError(f"not a valid URL: {url}") from None
            except urllib3.exceptions.NewConnectionError as exc:   # (a subclass of ConnectTimeoutError)
                raise FetchError(f"download failed: cannot connect ({_reason(exc)}): {url}") from None
            except urllib3.exceptions.ConnectTimeoutError:
                raise FetchError(f"download failed: connecting timed out after {timeout:g} s: {url}") from None
            except urllib3.exceptions.ReadTimeoutError:
                raise FetchError(f"download failed: the server sent no response within {timeout:g} s: {url}") from None
            except urllib3.exceptions.SSLError as exc:
                raise FetchError(f"download failed: TLS/certificate error ({_reason(exc)}): {url}") from None
            except urllib3.exceptions.HTTPError as exc:
                raise FetchError(f"download failed: {_reason(exc)}: {url}") from None
            try:
                if resp.status in (301, 302, 303, 307, 308):
                    loc = resp.headers.get("Location")
                    if not loc:
                        raise FetchError(f"HTTP {resp.status} redirect without a Location: {current}")
                    nxt = urljoin(current, loc)
                    if not is_url(nxt):
                        raise FetchError(f"redirect to a non-HTTP address refused: {current}")
                    if nxt in seen:
                        raise FetchError(f"redirect loop: {current} leads back to {nxt}")
                    if len(seen) > MAX_REDIRECTS:
                        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")
                    seen.append(nxt)
                    current = nxt
                    continue
                if resp.status >= 400:
                    why = f"HTTP {resp.status} {resp.reason or ''}".rstrip()
                    if resp.status in (404, 410):
                        raise NotFound(f"{why}: no document at {current}")
                    if resp.status in (401, 403):
                        raise PermissionDenied(f"{why}: access refused for {current}")
                    raise FetchError(f"{why} for {current}")
                if resp.status != 200:
                    raise FetchError(f"HTTP {resp.status} {resp.reason or ''}: not a document: {current}")
                return _body(resp, current, max_bytes, start, deadline)
            finally:
                resp.release_conn()
    finally:
        pool.clear()


def _body(resp, url: str, max_bytes: int, start: float, deadline: float) -> bytes:
    import urllib3
    length = resp.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise TooLarge(f"download too large: {int(length)} bytes (limit {max_bytes}): {url}")
    ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    buf = bytearray()
    try:
        for chunk in resp.stream(CHUNK, decode_content=True):
            buf += chunk
            if len(buf) > max_bytes:
                raise TooLarge(f"download too large: more than {max_bytes} bytes: {url}")
            if time.monotonic() - start > deadline:
                raise FetchError(f"download took longer than {deadline:g} s: {url}")
            if len(buf) >= 1024 and b"%PDF-" not in buf[:1024] and ctype and "pdf" not in ctype \
                    and ctype != "application/octet-stream":
                raise NotPdf(f"not a PDF: the server sent {_kind(ctype)} ({ctype}): {url}")
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchError(f"download failed: the server stopped sending for more than the timeout: {url}") from None
    except urllib3.exceptions.ProtocolError as exc:
        raise FetchError(f"download failed: the connection broke ({_reason(exc)}): {url}") from None
    except urllib3.exceptions.DecodeError:
        raise FetchError(f"download failed: the response's content encoding cannot be decoded: {url}") from None
    data = bytes(buf)
    if b"%PDF-" not in data[:1024] and ctype and "pdf" not in ctype and ctype != "application/octet-stream":
        raise NotPdf(f"not a PDF: the server sent {_kind(ctype)} ({ctype}): {url}")
    return data


def _kind(ctype: str) -> str:
    if "html" in ctype:
        return "an HTML page (a viewer or login page, not the file itself?)"
    if ctype.startswith("image/"):
        return "an image"
    if "json" in ctype or "xml" in ctype:
        return "structured data"
    return "another type of content"


def _reason(exc: Exception) -> str:
    r = getattr(exc, "reason", None) or exc
    text = str(r)
    # urllib3 messages carry the object repr first ("<urllib3.connection... object at 0x..>: Failed ...")
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return text[:200]
