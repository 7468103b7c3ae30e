"""The command line: ``redactlens scan PATH... --json FILE|-``.  It only parses arguments, builds
one :class:`~redactlens.settings.Settings` from them, and calls the library.

Exit statuses are :class:`~redactlens.errors.ExitCode` (documented in ``docs/cli.md`` and in
``redactlens scan --help``); they are chosen in one place, :func:`scan`.
"""
from __future__ import annotations

import signal
import sys

import click

from .batch import BatchStats, ExecutorError, scan_many
from .errors import ExitCode
from .model import DocumentReport
from .output import OutputExists, write_json
from . import terminal
from .text import display
from .settings import DEFAULT_MEMORY_MB, DEFAULT_OCR_LANG, DEFAULT_TIMEOUT_S, OCR_MODES, Settings

EXIT_EPILOG = f"""\b
Exit status:
  {ExitCode.ok:<4d} every document was scanned (leaks found or not)
  {ExitCode.document_error:<4d} at least one document could not be scanned (see its error)
  {ExitCode.bad_args:<4d} bad command line (unknown option, bad value, unusable executor)
  {ExitCode.output_error:<4d} an output cannot be written (it exists without --force, is an
       input, or its folder is not writable)
  {ExitCode.interrupted:<4d} interrupted (Ctrl-C); a --jsonl file keeps what was finished
"""


class _OutputError(Exception):
    """An output file cannot be written (exit status ``output_error``)."""


class _UsageError(Exception):
    """The options cannot be carried out (exit status ``bad_args``)."""


def _summary_line(d: DocumentReport) -> str:
    """One line per document for the terminal (see :mod:`redactlens.terminal`)."""
    return terminal.summary_line(d)


@click.group()
@click.version_option(package_name="redactlens")
def main() -> None:
    """redactlens: find every redaction in PDF releases and what still leaks."""


@main.command(epilog=EXIT_EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH|URL...")
@click.option("--json", "json_out", metavar="FILE|-", help="Write the JSON report (contract redactlens/1).")
@click.option("--password", default=None, help="Password for encrypted PDFs.")
@click.option("--workers", type=click.IntRange(min=0), default=None, help="Worker processes (default: CPUs, max 4; 0 = in-process).")
@click.option("--timeout", type=float, default=None,
              help=f"Time limit per document, seconds (default {DEFAULT_TIMEOUT_S:g}; 0: none).")
@click.option("--memory-mb", type=int, default=None,
              help=f"Memory cap per worker, MB (default {DEFAULT_MEMORY_MB}; 0: none).")
@click.option("--max-mb", type=int, default=None, help="Refuse inputs larger than this, MB (default 1024).")
@click.option("--ocr", type=click.Choice(OCR_MODES), default=None,
              help="OCR image-only pages: auto (where redactions need it; default), all, off.")
@click.option("--ocr-lang", metavar="LANG", default=None,
              help=f"Tesseract language(s), e.g. eng+spa (default {DEFAULT_OCR_LANG}).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.option("--quiet", "-q", is_flag=True, help="No per-document summary on stderr.")
@click.option("--jsonl", "jsonl_out", metavar="FILE|-",
              help="Stream one JSON document per line as each finishes (bounded memory; a killed run keeps them).")
@click.option("--resume", is_flag=True,
              help="With --jsonl FILE: skip documents already in FILE (by sha256), retry those that ended in an error, append.")
@click.option("--follow-symlinks", is_flag=True,
              help="Scan files that symbolic links inside a folder lead to outside it (default: listed as skipped).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where documents are scanned: a local process pool, or a Dask cluster (--scheduler).")
@click.option("--scheduler", metavar="ADDR", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--send-files", is_flag=True, help="With --executor dask: send file bytes (no shared filesystem).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: on a terminal).")
@click.option("--csv", "csv_out", metavar="FILE", help="Write the redaction log (Vaughn-style CSV, UTF-8).")
@click.option("--sqlite", "sqlite_out", metavar="FILE",
              help="Write a SQLite database for Datasette (rows written as documents finish; with --jsonl and "
                   "--resume it is continued). Needs redactlens[data].")
@click.option("--html", "html_out", metavar="FILE", help="Write a single-file offline HTML report.")
@click.option("--exhibit", "exhibit_out", metavar="FILE", help="Write an annotated exhibit PDF (boxes numbered as in the log).")
@click.option("--exhibit-all-pages", "exhibit_all_pages", is_flag=True,
              help="Reproduce every page in the exhibit (default: only pages holding a redaction).")
@click.option("--show-leaks", "--exhibit-show-leaks", "show_leaks", is_flag=True,
              help="Print recovered (leaked) text in the exhibit, HTML and CSV (off by default).")
@click.pass_context
def scan(ctx, **opts):
    """Scan PDF files, folders (recursed) and http(s):// URLs of PDFs for redactions."""
    sigint = _SigintFlag()
    try:
        with sigint:
            failed = _scan(**opts)
        code = ExitCode.document_error if failed else ExitCode.ok
        if sigint.seen:   # a Ctrl-C that a library swallowed (one document failed of it): still an interruption
            raise KeyboardInterrupt
    except _UsageError as exc:
        raise click.UsageError(display(exc)) from None                  # click exits with bad_args (2)
    except _OutputError as exc:
        click.echo(f"Error: {display(exc)}", err=True)
        code = ExitCode.output_error
    except KeyboardInterrupt:
        jsonl = opts.get("jsonl_out")
        kept = (f"the documents that finished are in {display(jsonl)} (continue with --resume)"
                if jsonl and jsonl != "-" else "nothing was written (--jsonl FILE keeps finished documents)")
        click.echo(f"interrupted: {kept}", err=True)
        code = ExitCode.interrupted
    ctx.exit(int(code))


class _SigintFlag:
    """Remembers a Ctrl-C (SIGINT) while the scan runs, and raises KeyboardInterrupt as usual."""

    def __init__(self):
        self.seen = False
        self._old = None

    def _handler(self, signum, frame):
        self.seen = True
        signal.default_int_handler(signum, frame)

    def __enter__(self):
        try:
            self._old = signal.signal(signal.SIGINT, self._handler)
        except ValueError:   # not the main thread (an embedding caller): leave its handler alone
            self._old = None
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def _settings(timeout, memory_mb, max_mb, ocr, ocr_lang) -> Settings:
    """The one Settings of this run: the environment's defaults, then the options given."""
    try:
        return Settings.resolve(None, timeout=timeout, memory_mb=memory_mb, ocr=ocr, ocr_lang=ocr_lang,
                                max_bytes=None if max_mb is None else max_mb * 1024 * 1024)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None


def _scan(paths, json_out, password, workers, timeout, memory_mb, max_mb, ocr, ocr_lang, force, quiet, jsonl_out,
          resume, follow_symlinks, executor, scheduler, send_files, progress, csv_out, html_out, exhibit_out, show_leaks,
          exhibit_all_pages=False, sqlite_out=None) -> int:
    """Run the scan; return how many documents failed.  Raises :class:`_UsageError` or
    :class:`_OutputError` (exit statuses are chosen by :func:`scan`)."""
    from .report.common import check_outputs
    from .stream import StreamSetupError, open_stream
    settings = _settings(timeout, memory_mb, max_mb, ocr, ocr_lang)
    out = sys.stderr if "-" in (json_out, jsonl_out) else sys.stdout
    for opt, val in (("--csv", csv_out), ("--html", html_out), ("--exhibit", exhibit_out), ("--sqlite", sqlite_out)):
        if val == "-":
            raise _UsageError(f"{opt} needs a file name (not '-')")
    try:   # every output is checked before the (possibly long) scan
        check_outputs([json_out, csv_out, html_out, exhibit_out, None if resume else jsonl_out,
                       None if resume else sqlite_out], paths, force,
                      existing_ok=[o for o in (jsonl_out, sqlite_out) if o] if resume else ())
    except (OutputExists, ValueError) as exc:
        raise _OutputError(str(exc)) from None
    if sqlite_out:   # the extra is there, before any output file is made
        from .sqlite_out import _sqlite_utils
        try:
            _sqlite_utils()
        except ImportError as exc:
            raise _UsageError(str(exc)) from None
    try:
        stream, skip = open_stream(jsonl_out, resume, force, json_out)
    except StreamSetupError as exc:
        raise (_UsageError if exc.usage else _OutputError)(str(exc)) from None
    db = _open_sqlite(sqlite_out, force, resume, show_leaks, stream)
    stats = BatchStats()
    tally = {"red": 0, "leak": 0, "failed": 0, "skipped": 0}

    def show(d: DocumentReport) -> None:
        if stream is not None:
            try:
                stream.write(d)
            except OSError as exc:
                raise _OutputError(f"cannot write {jsonl_out}: {exc.strerror or exc}") from None
        if db is not None:
            _sqlite_write(db, d)
        tally["red"] += len(d.redactions)
        tally["leak"] += len(terminal.recovered(d))
        tally["failed"] += bool(d.error) and not d.skipped
        tally["skipped"] += d.skipped
        if not quiet:
            from tqdm import tqdm
            tqdm.write(_summary_line(d), file=out)
            for line in terminal.leak_lines(d) if show_leaks else ():
                tqdm.write(line, file=out)

    # streaming alone keeps no reports in memory; any whole-batch output keeps them
    # (the SQLite consistency tables need every report, unless a --jsonl file holds them)
    keep = stream is None or any((json_out, csv_out, html_out, exhibit_out)) or bool(
        sqlite_out and (not jsonl_out or jsonl_out == "-"))
    try:
        batch = scan_many(paths, settings=settings, password=password, workers=workers, on_result=show, keep=keep,
                          ordered=stream is None, executor=executor, scheduler=scheduler, send_bytes=send_files,
                          progress=(False if quiet and progress is None else progress), stats=stats,
                          follow_symlinks=follow_symlinks, **skip)
    except ExecutorError as exc:   # no scheduler given, the cluster cannot be reached ...
        raise _UsageError(str(exc)) from None
    finally:
        if stream is not None:
            stream.close()
        if db is not None and sys.exc_info()[0] is not None:
            db.close()   # interrupted: the documents that finished stay in the database
            if db.count == 0 and not resume:
                db.discard()   # nothing was scanned (the executor could not start ...): no empty database left
    if stats.resumed and not quiet:
        click.echo(f"resumed: {stats.resumed} document(s) already in {display(jsonl_out)} were skipped", file=out)
    if db is not None:
        _finish_sqlite(db, batch, jsonl_out, keep, quiet, out)
    _write_outputs(batch, json_out, csv_out, html_out, exhibit_out, force, show_leaks, password, quiet, out,
                   settings, workers, exhibit_all_pages)
    if not quiet:
        for line in terminal.consistency_lines(batch):
            click.echo(line, file=out)
        click.echo(terminal.totals_line(stats.scanned, tally["skipped"], tally["red"], tally["leak"],
                                        tally["failed"]), file=out)
    return tally["failed"]


def _open_sqlite(sqlite_out, force, resume, show_leaks, stream):
    """The streaming SQLite writer of ``--sqlite`` (None without it).  ``--resume`` continues the
    database (it needs ``--jsonl``, checked by :func:`~redactlens.stream.open_stream`)."""
    if not sqlite_out:
        return None
    from .sqlite_out import SqliteWriter
    try:
        return SqliteWriter(sqlite_out, force=force and not resume, append=resume, show_leaks=show_leaks)
    except (OutputExists, OSError) as exc:
        if stream is not None:
            stream.close()
        raise _OutputError(str(exc)) from None


def _sqlite_write(db, d: DocumentReport) -> None:
    import sqlite3
    try:
        db.write(d)
    except (sqlite3.Error, OSError) as exc:
        raise _OutputError(f"cannot write {display(db.path)}: {exc}") from None


def _finish_sqlite(db, batch, jsonl_out, keep, quiet, out) -> None:
    """The consistency tables need every document: those of this run (``batch``) or, when a
    ``--jsonl`` file holds the whole record (streaming, ``--resume``), that file's.  Documents of
    the JSONL file missing from the database (a run killed between the two writes) are added."""
    import sqlite3
    from .model import BatchReport
    try:
        if jsonl_out and jsonl_out != "-":
            from .consistency import analyse_batch
            from .stream import read_jsonl
            whole = BatchReport(read_jsonl(jsonl_out))
            have = db.documents()
            for d in whole.documents:
                if d.path not in have:
                    db.write(d)
            whole.consistency = analyse_batch(whole)
            db.finish(whole)
        else:
            db.finish(batch if keep else None)
    except (sqlite3.Error, OSError) as exc:
        raise _OutputError(f"cannot write {display(db.path)}: {exc}") from None
    if not quiet:
        from .sqlite_out import metadata_path
        click.echo(f"wrote {display(db.path)} (browse it: datasette {display(db.path)} -m "
                   f"{display(metadata_path(db.path))})", file=out)


def _write_outputs(batch, json_out, csv_out, html_out, exhibit_out, force, show_leaks, password, quiet, out,
                   settings, workers, exhibit_all_pages=False) -> None:
    """Each output from the batch.  The HTML thumbnails and the exhibit reopen the sources in
    worker processes under the scan's limits (``workers`` as for the scan; local even when the
    scan ran on Dask)."""
    writers = []
    if json_out:
        writers.append((json_out, lambda: write_json(batch, json_out, force=force)))
    if csv_out:
        from .report import write_csv
        writers.append((csv_out, lambda: write_csv(batch, csv_out, force=force, show_leaks=show_leaks)))
    if html_out:
        from .report import write_html
        writers.append((html_out, lambda: write_html(batch, html_out, force=force, show_leaks=show_leaks,
                                                     password=password, settings=settings, workers=workers)))
    if exhibit_out:
        from .report import write_exhibit
        writers.append((exhibit_out, lambda: write_exhibit(batch, exhibit_out, force=force, show_leaks=show_leaks,
                                                           password=password, settings=settings, workers=workers,
                                                           all_pages=exhibit_all_pages)))
    problems = []
    for dest, write in writers:   # one failing output does not lose the others
        try:
            write()
            if dest != "-" and not quiet:
                click.echo(f"wrote {display(dest)}", file=out)
        except (OutputExists, OSError) as exc:
            problems.append(str(exc))
    if problems:
        raise _OutputError("; ".join(problems))


@main.command("diff")
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@click.option("--json", "json_out", metavar="FILE|-", help="Write the diff JSON (schema redactlens-diff/1).")
@click.option("--csv", "csv_out", metavar="FILE", help="Write the changes as CSV.")
@click.option("--html", "html_out", metavar="FILE", help="Write a single-file HTML page of the changes.")
@click.option("--workers", type=click.IntRange(min=0), default=None, help="Worker processes (0 = in-process).")
@click.option("--ocr", type=click.Choice(OCR_MODES), default=None, help="OCR mode for both scans.")
@click.option("--password", default=None, help="Password for encrypted PDFs.")
@click.option("--show-leaks", is_flag=True, help="Print text a lifted or narrowed box frees in the CSV, HTML and terminal.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.pass_context
def diff(ctx, old, new, json_out, csv_out, html_out, workers, ocr, password, show_leaks, force):
    """Compare two releases (files or folders) of the same records: redactions lifted, added,
    narrowed or widened, exemptions changed, pages and documents added or withdrawn."""
    from .diff import diff as run_diff, write_diff_csv, write_diff_html, write_diff_json
    from .report.common import check_outputs
    try:
        check_outputs([json_out, csv_out, html_out], [old, new], force)
    except (OutputExists, ValueError) as exc:
        click.echo(f"Error: {display(exc)}", err=True)
        ctx.exit(int(ExitCode.output_error))
    d = run_diff(old, new, settings=_settings(None, None, None, ocr, None), workers=workers, password=password)
    out = sys.stderr if json_out == "-" else sys.stdout
    for c in d["changes"]:
        o, n = c.get("old") or {}, c.get("new") or {}
        where = f"{display(o.get('document') or '-')} p{o.get('page') or '-'} -> {display(n.get('document') or '-')} p{n.get('page') or '-'}"
        text = c.get("text") if show_leaks and c.get("text") else ""
        click.echo(f"{c['type']:<18} {where}" + (f": {display(text)}" if text else ""), file=out)
    click.echo("changes: " + (", ".join(f"{k} {v}" for k, v in d["summary"].items()) or "none"), file=out)
    problems = []
    for dest, write in ((json_out, lambda: write_diff_json(d, json_out, force=force)),
                        (csv_out, lambda: write_diff_csv(d, csv_out, force=force, show_leaks=show_leaks)),
                        (html_out, lambda: write_diff_html(d, html_out, force=force, show_leaks=show_leaks))):
        if dest:
            try:
                write()
            except (OutputExists, OSError) as exc:
                problems.append(str(exc))
    if problems:
        click.echo("Error: " + display("; ".join(problems)), err=True)
        ctx.exit(int(ExitCode.output_error))
    ctx.exit(int(ExitCode.document_error if d["errors"] else ExitCode.ok))


if __name__ == "__main__":
    main()
