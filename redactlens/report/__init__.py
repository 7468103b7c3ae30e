"""Appeal outputs over a :class:`~redactlens.model.BatchReport`: a Vaughn-style redaction log (CSV),
an annotated exhibit (PDF) and a single-file offline HTML report.

Every output numbers the redactions the same way (:func:`numbered`): 1, 2, 3 ... across the
batch, in document order and, within a document, in the order of the report (page, then reading
order).  Recovered (leaked) text is printed only when ``show_leaks=True``.

>>> import redactlens
>>> batch = redactlens.scan_many(["release/"])
>>> redactlens.write_csv(batch, "log.csv")
>>> redactlens.write_exhibit(batch, "exhibit.pdf")
>>> redactlens.write_html(batch, "report.html")
"""
from .common import Numbered, as_batch, check_outputs, numbered, summary
from .csv_log import csv_text, write_csv
from .exhibit import exhibit_bytes, write_exhibit
from .html import html_text, write_html

__all__ = ["Numbered", "as_batch", "check_outputs", "numbered", "summary", "csv_text", "write_csv",
           "exhibit_bytes", "write_exhibit", "html_text", "write_html"]
