"""`repadmin /showrepl * /csv`: one `showrepl_INFO` row per inbound partner and naming context, as every DC
of the forest reports it, and a `showrepl_ERROR` row for each DC repadmin could not read.

The columns come from the `showrepl_COLUMNS` header when the paste has it (repadmin prints it once, before
the first row), else repadmin's own order. Quoted fields hold commas (naming contexts do); repadmin's
banner lines ("Repadmin: running command /showrepl against full DC ...") sit between rows and are skipped.
A paste that lost its line breaks to a wiki or a monitoring agent still has one row per `showrepl_` tag.
"""

from __future__ import annotations

import csv
import re

from wizard.parsers.common import number
from wizard.parsers.errorcodes import to_int

COLUMNS = ("Destination DSA Site", "Destination DSA", "Naming Context", "Source DSA Site", "Source DSA",
           "Transport Type", "Number of Failures", "Last Failure Time", "Last Success Time", "Last Failure Status")
_TAG = re.compile(r"(?=showrepl_(?:COLUMNS|INFO|ERROR),)")
_SIGN = re.compile(r"showrepl_(?:COLUMNS|INFO|ERROR),")


def rows(text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(INFO rows as {column: value}, ERROR rows as {dc, why}); both empty when the text has no CSV."""
    if not _SIGN.search(text):
        return [], []
    columns, info, errors = list(COLUMNS), [], []
    for line in _records(text):
        fields = _fields(line)
        tag, values = (fields[0].strip(), [v.strip() for v in fields[1:]]) if fields else ("", [])
        if tag == "showrepl_COLUMNS" and len(values) >= len(COLUMNS):
            columns = values
        elif tag == "showrepl_INFO" and len(values) >= len(COLUMNS):
            info.append(dict(zip(columns, values)))
        elif tag == "showrepl_ERROR" and values:
            errors.append({"dc": values[0], "why": ", ".join(v for v in values[1:] if v)})
    return info, errors


def _records(text: str) -> list[str]:
    """One string per showrepl_ record: split at each tag, so rows glued onto one line (or wrapped over
    two) come apart as repadmin printed them; a banner after a row is cut off at its line end."""
    records = []
    for chunk in _TAG.split(text):
        if _SIGN.match(chunk):
            first, _, rest = chunk.partition("\n")
            # a row wrapped by the paste continues on the next line only while it lacks its last columns
            # (three lines at most: a paste wraps a row once or twice, and the reparse stays linear)
            for _ in range(3):
                if not rest or len(_fields(first)) > len(COLUMNS) or rest.lstrip().lower().startswith("repadmin"):
                    break
                more, _, rest = rest.partition("\n")
                first = f"{first} {more.strip()}"
            records.append(first.strip())
    return records


def _fields(line: str) -> list[str]:
    try:
        return next(csv.reader([line], skipinitialspace=True), [])
    except csv.Error:  # a field past the csv module's limit: no row of repadmin's
        return []


def failures(row: dict[str, str]) -> int | None:
    return number(row.get("Number of Failures"))


def status(row: dict[str, str]) -> int:
    """The last result as a signed 32-bit code; 0 (success) when the column is empty."""
    value = (row.get("Last Failure Status") or "").strip()
    return (to_int(value) or 0) if value else 0


def when(value: str | None) -> str | None:
    """A time column as repadmin printed it (the DC's local time); None for repadmin's 0 (never)."""
    value = (value or "").strip()
    return None if value in ("", "0", "(never)") else value
