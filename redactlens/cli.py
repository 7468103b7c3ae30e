"""The command line: ``redactlens scan PATH... --json FILE|-``.  It only parses arguments and
calls the library."""
from __future__ import annotations

import sys

import click

from .batch import BatchStats, Limits, scan_many
from .model import DocumentReport
from .output import OutputExists, write_json


def _summary_line(d: DocumentReport) -> str:
    if d.skipped:
        return f"skip   {d.path}: {d.error}"
    if d.error and not d.redactions:
        return f"ERROR  {d.path}: {d.error}"
    leaks = sum(1 for r in d.redactions if r.leak)
    methods: dict[str, int] = {}
    for r in d.redactions:
        methods[r.method] = methods.get(r.method, 0) + 1
    how = ", ".join(f"{n} {m}" for m, n in sorted(methods.items())) or "none"
    flag = "LEAK " if leaks or d.findings else "ok   "
    s = f"{flag}{d.path}: {d.pages} page(s), {len(d.redactions)} redaction(s) ({how})"
    if leaks:
        s += f", {leaks} with recoverable text"
    if d.findings:
        s += f", {len(d.findings)} finding(s)"
    if d.error:
        s += f" [error: {d.error}]"
    return s


@click.group()
@click.version_option(package_name="redactlens")
def main() -> None:
    """redactlens: find every redaction in PDF releases and what still leaks."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "json_out", metavar="FILE|-", help="Write the JSON report (contract redactlens/1).")
@click.option("--password", default=None, help="Password for encrypted PDFs.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: CPUs, max 4; 0 = in-process).")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Time limit per document, seconds.")
@click.option("--memory-mb", type=int, default=4096, show_default=True, help="Memory cap per worker, MB (0: none).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.option("--quiet", "-q", is_flag=True, help="No per-document summary on stderr.")
@click.option("--jsonl", "jsonl_out", metavar="FILE|-",
              help="Stream one JSON document per line as each finishes (bounded memory; a killed run keeps them).")
@click.option("--resume", is_flag=True, help="With --jsonl FILE: skip documents already in FILE (by sha256), append.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where documents are scanned: a local process pool, or a Dask cluster (--scheduler).")
@click.option("--scheduler", metavar="ADDR", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--send-files", is_flag=True, help="With --executor dask: send file bytes (no shared filesystem).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: on a terminal).")
@click.option("--csv", "csv_out", metavar="FILE", help="Write the redaction log (Vaughn-style CSV, UTF-8).")
@click.option("--html", "html_out", metavar="FILE", help="Write a single-file offline HTML report.")
@click.option("--exhibit", "exhibit_out", metavar="FILE", help="Write an annotated exhibit PDF (boxes numbered as in the log).")
@click.option("--show-leaks", "--exhibit-show-leaks", "show_leaks", is_flag=True,
              help="Print recovered (leaked) text in the exhibit, HTML and CSV (off by default).")
def scan(paths, json_out, password, workers, timeout, memory_mb, force, quiet, jsonl_out, resume, executor,
         scheduler, send_files, progress, csv_out, html_out, exhibit_out, show_leaks):
    """Scan PDF files and folders (recursed) for redactions."""
    from .output import OutputExists
    from .report.common import check_outputs
    from .stream import StreamSetupError, open_stream
    out = sys.stderr if "-" in (json_out, jsonl_out) else sys.stdout
    for opt, val in (("--csv", csv_out), ("--html", html_out), ("--exhibit", exhibit_out)):
        if val == "-":
            raise click.ClickException(f"{opt} needs a file name (not '-')")
    try:   # every output is checked before the (possibly long) scan
        check_outputs([json_out, csv_out, html_out, exhibit_out, None if resume else jsonl_out], paths, force)
    except (OutputExists, ValueError) as exc:
        raise click.ClickException(str(exc))
    try:
        stream, skip = open_stream(jsonl_out, resume, force, json_out)
    except StreamSetupError as exc:
        raise click.ClickException(str(exc))
    stats = BatchStats()
    tally = {"red": 0, "leak": 0, "failed": 0}

    def show(d: DocumentReport) -> None:
        if stream is not None:
            stream.write(d)
        tally["red"] += len(d.redactions)
        tally["leak"] += len(d.leaks)
        tally["failed"] += bool(d.error) and not d.skipped
        if not quiet:
            from tqdm import tqdm
            tqdm.write(_summary_line(d), file=out)

    # streaming alone keeps no reports in memory; any whole-batch output keeps them
    keep = stream is None or any(v for k, v in click.get_current_context().params.items()
                                 if k.endswith("_out") and k != "jsonl_out")
    try:
        batch = scan_many(paths, password=password, workers=workers,
                          limits=Limits(timeout=timeout, memory_mb=memory_mb), on_result=show, keep=keep,
                          ordered=stream is None, executor=executor, scheduler=scheduler, send_bytes=send_files,
                          progress=(False if quiet and progress is None else progress), stats=stats, **skip)
    except (ValueError, RuntimeError, OSError) as exc:
        raise click.ClickException(str(exc))
    finally:
        if stream is not None:
            stream.close()
    if stats.resumed and not quiet:
        click.echo(f"resumed: {stats.resumed} document(s) already in {jsonl_out} were skipped", file=out)
    writers = []
    if json_out:
        writers.append((json_out, lambda: write_json(batch, json_out, force=force)))
    if csv_out:
        from .report import write_csv
        writers.append((csv_out, lambda: write_csv(batch, csv_out, force=force, show_leaks=show_leaks)))
    if html_out:
        from .report import write_html
        writers.append((html_out, lambda: write_html(batch, html_out, force=force, show_leaks=show_leaks,
                                                     password=password)))
    if exhibit_out:
        from .report import write_exhibit
        writers.append((exhibit_out, lambda: write_exhibit(batch, exhibit_out, force=force, show_leaks=show_leaks,
                                                           password=password)))
    problems = []
    for dest, write in writers:   # one failing output does not lose the others
        try:
            write()
            if dest != "-" and not quiet:
                click.echo(f"wrote {dest}", file=out)
        except (OutputExists, OSError) as exc:
            problems.append(str(exc))
    if problems:
        raise click.ClickException("; ".join(problems))
    if not quiet:
        click.echo(f"{stats.scanned} document(s), {tally['red']} redaction(s), {tally['leak']} with recoverable "
                   f"text, {tally['failed']} failed", file=out)
    sys.exit(1 if tally["failed"] else 0)


if __name__ == "__main__":
    main()
