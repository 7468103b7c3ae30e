"""The command line: ``redactlens scan PATH... --json FILE|-``.  It only parses arguments and
calls the library."""
from __future__ import annotations

import sys

import click

from .batch import Limits, scan_many
from .model import DocumentReport
from .output import OutputExists, write_json


def _summary_line(d: DocumentReport) -> str:
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
def scan(paths, json_out, password, workers, timeout, memory_mb, force, quiet):
    """Scan PDF files and folders (recursed) for redactions."""
    out = sys.stderr if json_out == "-" else sys.stdout

    def show(d: DocumentReport) -> None:
        if not quiet:
            click.echo(_summary_line(d), file=out)

    batch = scan_many(paths, password=password, workers=workers,
                      limits=Limits(timeout=timeout, memory_mb=memory_mb), on_result=show)
    if json_out:
        try:
            write_json(batch, json_out, force=force)
        except OutputExists as exc:
            raise click.ClickException(str(exc))
    n_red = sum(len(d.redactions) for d in batch.documents)
    n_leak = sum(len(d.leaks) for d in batch.documents)
    if not quiet:
        click.echo(f"{len(batch.documents)} document(s), {n_red} redaction(s), {n_leak} with recoverable text, "
                   f"{len(batch.failed)} failed", file=out)
    sys.exit(1 if batch.failed else 0)


if __name__ == "__main__":
    main()
