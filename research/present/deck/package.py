"""The deck's file, byte for byte the same on every rerun of the same input.

python-pptx stamps the time of writing into the zip entries and into the workbook behind
each native chart, and keeps its template's author and dates in the document properties.
:func:`deck_bytes` sets the properties from the deck (title, the analysis date, no author)
and rewrites the package with fixed entry times and the workbooks' dates set to the
analysis date.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from pptx.presentation import Presentation

#: The time every zip entry carries (the zip format's earliest).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _repack(data: bytes, stamp: bytes) -> bytes:
    """Return the zip ``data`` with fixed entry times, workbooks repacked the same way and
    document dates set to ``stamp`` (W3CDTF)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.endswith(".xlsx"):
                body = _repack(body, stamp)
            elif info.filename == "docProps/core.xml":
                body = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def deck_bytes(prs: Presentation, title: str, date: dt.date) -> bytes:
    """Return the ``.pptx`` bytes of ``prs``, titled ``title`` and dated ``date``."""
    when = dt.datetime(date.year, date.month, date.day)
    props = prs.core_properties
    props.title = title
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.revision = 1
    props.created = when
    props.modified = when
    raw = io.BytesIO()
    prs.save(raw)
    return _repack(raw.getvalue(), when.strftime("%Y-%m-%dT%H:%M:%SZ").encode())
