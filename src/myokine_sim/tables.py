"""Tables the commands print: fitted to the terminal's width, or as CSV or JSON for other programs."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections.abc import Sequence

from myokine_sim.errors import InputError

#: Columns whose cells are at most this long (values, units, verdicts) are never wrapped.
SHORT_CELL = 16
#: The last column wraps into no fewer characters than this while the others stay whole.
LAST_COLUMN_MIN = 24
#: Indent of the last column when it goes below its row (a narrow terminal).
STACK_INDENT = "    "
#: ``--format`` of ``params`` and ``validate``.
TABLE_FORMATS = ("table", "csv", "json")


def check_table_format(output_format: str, option: str = "--format") -> str:
    if output_format not in TABLE_FORMATS:
        raise InputError(option, output_format, f"unknown format; allowed: {', '.join(TABLE_FORMATS)}")
    return output_format


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` when set; 80 when output is not a terminal)."""
    return shutil.get_terminal_size().columns


def text_table(header: Sequence[str] | None, rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """Columns aligned within ``width``: long cells wrap inside their column, nothing is cut.

    The last column (a description or source) takes what the others leave, as long as that is at
    least ``LAST_COLUMN_MIN``; otherwise the columns with long cells wrap.
    """
    from rich.box import Box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    width = width or terminal_width()
    columns = len(header) if header else (len(rows[0]) if rows else 0)
    longest = [max([len(str(row[i])) for row in rows] + [len(header[i]) if header else 0]) for i in range(columns)]
    keep_whole = sum(longest[:-1]) + 2 * (columns - 1) + LAST_COLUMN_MIN <= width
    if not keep_whole and columns > 1 and longest[-1] > SHORT_CELL and longest[0] <= width:
        # A long last cell (a source, a description): names stay whole and what does not fit goes below its row.
        return _stacked(header, rows, longest, width)
    # Plain ASCII: the table reads the same in a pipe, a log file or a terminal without Unicode.
    dashes = Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)
    table = Table(box=dashes if header else None, show_header=bool(header), pad_edge=False, show_edge=False,
                  collapse_padding=True)
    for i in range(columns):
        whole = (keep_whole and i < columns - 1) or longest[i] <= SHORT_CELL  # short cells never wrap
        table.add_column(Text(header[i] if header else ""), overflow="fold", no_wrap=whole,
                         min_width=longest[i] if whole else None)
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))  # Text: a cell is never read as Rich markup
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, emoji=False,
                      legacy_windows=False, soft_wrap=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _stacked(header: Sequence[str] | None, rows: Sequence[Sequence[str]], longest: list[int], width: int) -> str:
    """The leading columns that fit aligned on one line; the others wrapped and indented beneath it."""
    import textwrap

    fit = 1
    while fit < len(longest) - 1 and sum(longest[:fit + 1]) + 2 * fit <= width:
        fit += 1

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(cell).ljust(w) for cell, w in zip(cells, longest)).rstrip()

    def below(row: Sequence[str]) -> str:
        if header:
            return "; ".join(f"{name}: {cell}" for name, cell in zip(header[fit:], row[fit:]))
        return "; ".join(str(cell) for cell in row[fit:])

    lines = []
    if header:
        lines += [line(header[:fit]), line(["-" * w for w in longest[:fit]])]  # the rows below name their cells
    for row in rows:
        lines.append(line(row[:fit]))
        lines += textwrap.wrap(below(row), width=width, initial_indent=STACK_INDENT, subsequent_indent=STACK_INDENT,
                               break_on_hyphens=False)
    return "\n".join(lines)


def csv_table(header: Sequence[str], rows: Sequence[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().rstrip("\n")


def json_table(records: list[dict]) -> str:
    return json.dumps(_finite(records), indent=1, allow_nan=False, default=str)


def _finite(value):
    """NaN and infinities become null: JSON has no spelling for them."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def render(output_format: str, header: Sequence[str], rows: Sequence[Sequence], records: list[dict],
           width: int | None = None) -> str:
    """``rows`` as a terminal table or CSV (strings as shown), or ``records`` as JSON (typed values)."""
    if output_format == "csv":
        return csv_table(header, rows)
    if output_format == "json":
        return json_table(records)
    return text_table(header, rows, width)
