"""Reading exports as people really have them; every problem names file, row and column.

* :func:`read_table` reads a CSV (``;`` or ``,``, detected; UTF-8, UTF-8 with BOM or
  Windows-1252) or the first sheet of an ``.xlsx`` into a frame of strings, with the row
  number Excel shows in the column ``_row``.
* :func:`parse_number` / :func:`parse_numbers` read Swedish numbers (``1 234,5``).
* :func:`find_table`, :func:`sha256` (the one file hash), :func:`code_hash` (the package's
  source) and the atomic writes (:func:`atomic_path`: temporary file, then ``os.replace``;
  :func:`write_files_atomic` for a set of files, :func:`atomic_dir` for a folder) are for
  everyone who reads or writes files.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io as _io
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROW = "_row"  # column holding the row number as Excel shows it (header = row 1)
TABLE_SUFFIXES = (".csv", ".xlsx")
# Bytes that Windows-1252 leaves undefined: a file holding them is neither cp1252 nor (having
# failed UTF-8 first) UTF-8.
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
SAVE_AS_UTF8 = "open the file in Excel and save it as 'CSV UTF-8 (kommaavgränsad)'"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, said so that a person can fix it.

    ``row`` is the row as Excel shows it (header = row 1), ``None`` when the problem is the
    whole file or a whole column.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    hint: str = ""
    severity: str = "error"  # "warning": implausible but usable; reported, never blocks a run
    # the message and hint as label keys of analysis.text with their values, so that
    # ``workbook check`` can say them in the language of workbook.yml (message/hint: English)
    key: str = ""
    hint_key: str = ""
    values: tuple[tuple[str, object], ...] = ()

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The problem as one line in ``lang``: file, row, column, what is wrong (what to do).

        A message made without a label key is said in English in either language."""
        from .text import t

        where = self.file
        if self.row is not None:
            where += f" {t('check_row', lang)} {self.row}"
        if self.column:
            where += f", {t('check_column', lang)} '{self.column}'"
        values = dict(self.values)
        message = t(self.key, lang, **values) if self.key and lang != "en" else self.message
        hint = t(self.hint_key, lang, **values) if self.hint_key and lang != "en" else self.hint
        warning = f"{t('check_warning', lang)}: " if self.is_warning else ""
        text = f"{where}: {warning}{message}"
        return f"{text} ({hint})" if hint else text


class DataError(ValueError):
    """Input data is wrong. ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(file="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems ordered by file, then row (whole-file problems first), then column."""
    return sorted(
        problems, key=lambda p: (p.file, -1 if p.row is None else p.row, p.column or "", p.message)
    )


# --------------------------------------------------------------------------- finding files


def find_table(folder: str | Path, stem: str) -> Path | None:
    """Return ``folder/stem.csv`` or ``folder/stem.xlsx`` (name case-insensitive), or None.

    Excel's lock files (``~$teams.xlsx``) are ignored. Raises :class:`DataError` when both a
    ``.csv`` and an ``.xlsx`` exist, since it is then unclear which one is meant.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return None
    found = sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.stem.lower() == stem.lower()
        and p.suffix.lower() in TABLE_SUFFIXES
        and not p.name.startswith("~$")
    )
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        raise DataError(
            Problem(
                file=found[0].name,
                message=f"both {names} exist",
                hint="keep only the one that is up to date",
            )
        )
    return found[0] if found else None


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: What counts as the package's code: a change to any such file changes :func:`code_hash`.
CODE_SUFFIXES = frozenset({".py", ".yml", ".yaml", ".css", ".json", ".j2"})
PACKAGE = Path(__file__).resolve().parent


def code_files(folder: str | Path = PACKAGE) -> dict[str, str]:
    """``relative path -> sha256`` of every source file under ``folder`` (default: the whole
    ``analysis`` package; caches such as ``__pycache__`` left out)."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts
    }


def code_hash(folder: str | Path = PACKAGE) -> str:
    """One SHA-256 of every source file under ``folder`` (names and contents): what keys the
    caches built by this code (``data/processed``, the runner's reports)."""
    import json

    return hashlib.sha256(json.dumps(code_files(folder), sort_keys=True).encode()).hexdigest()


def notebook_content(text: str | bytes) -> str | None:
    """What a notebook *is*, without what an editor rewrites: each cell's type, source and tags
    (the ``parameters`` tag), as canonical JSON. JupyterLab rewrites the metadata of a notebook
    it opens (kernel, language version, widths, ids); that changes no report. None when the
    text is not a notebook."""
    import json

    try:
        cells = json.loads(text)["cells"]
        content = [
            [
                cell.get("cell_type"),
                "".join(cell["source"])
                if isinstance(cell.get("source"), list)
                else cell.get("source", ""),
                sorted((cell.get("metadata") or {}).get("tags") or []),
            ]
            for cell in cells
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return json.dumps(content, sort_keys=True, ensure_ascii=False)


def notebook_hash(path: str | Path) -> str:
    """SHA-256 of :func:`notebook_content` (of the bytes when the file is not a notebook);
    ``"missing"`` when there is no file."""
    path = Path(path)
    if not path.is_file():
        return "missing"
    content = notebook_content(path.read_bytes())
    return hashlib.sha256(content.encode()).hexdigest() if content is not None else sha256(path)


# --------------------------------------------------------------------------- writing files


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _usual_mode(path: Path, folder: bool = False) -> None:
    """Give a temporary file/folder the mode a normal one gets (mkstemp makes it private)."""
    with contextlib.suppress(OSError):
        os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` atomically.

    On an exception the temporary file is removed and ``path`` is left as it was::

        with atomic_path(out / "chart.png") as tmp:
            fig.savefig(tmp, format="png")
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _usual_mode(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8 by default, ``\\n`` line ends)."""
    return write_bytes_atomic(path, text.encode(encoding))


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write text or bytes to ``path`` atomically; readers never see a half-written file."""
    if isinstance(data, str):
        return write_text_atomic(path, data, encoding=encoding)
    return write_bytes_atomic(path, data)


def write_files_atomic(
    folder: str | Path, files: dict[str, bytes], *, fsync: bool = False
) -> list[Path]:
    """Write ``{relative path: bytes}`` under ``folder``: every file first to a temporary name
    beside its target, then, only when all are written, each renamed into place in the given
    order (a failure leaves no half-written file and replaces nothing). ``fsync``: flush each
    file to disk before the renames (a cache a crash must not leave empty)."""
    folder = Path(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, content in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                if fsync:
                    handle.flush()
                    os.fsync(handle.fileno())
            _usual_mode(Path(name))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return [target for _, target in staged]


def write_parquet_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as parquet (pyarrow, no index) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False, engine="pyarrow")
    return Path(path)


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces the folder ``path``.

    The old folder is moved aside, the new one renamed into place, then the old one removed,
    so ``path`` is always either the complete old or the complete new folder (apart from the
    instant between the two renames). On an exception nothing changes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        _usual_mode(tmp, folder=True)
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            old.rmdir()
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- CSV for Excel

#: What Excel (and LibreOffice) take as the start of a formula in a CSV cell (OWASP, "CSV
#: Injection"): ``=HYPERLINK(...)``, ``+1+cmd|...``, ``-2+3``, ``@SUM(...)``, and a tab or a carriage
#: return before one of them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def neutralise_formula(value: object) -> object:
    """A text cell as it may go into a CSV that people open in Excel: one that would start a
    formula gets a leading ``'`` (OWASP's rule: shown as text, never run). Numbers, and texts that
    are plain numbers such as ``-3,5``, are left as they are."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def restore_formula(value: object) -> object:
    """The text :func:`neutralise_formula` was given (for CSV files the workbook reads back)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as formulas in Excel (:func:`neutralise_formula`)."""
    text_columns = [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_datetime64_any_dtype(frame[c])
    ]
    return frame.assign(**{str(c): frame[c].map(neutralise_formula) for c in text_columns})


# --------------------------------------------------------------------------- numbers

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(value: object) -> float:
    """Read a number as people type it in Sweden: ``12,5``, ``1 234,5``, ``1\\u00a0234``, ``−3``.

    Spaces (also no-break and thin spaces) are thousands separators. With both ``.`` and ``,``
    the last one is the decimal mark (``1.234,5`` and ``1,234.5``); several of the same mark are
    thousands separators (``1.234.567``). Blank or NA gives NaN; anything else that is not a
    number raises ``ValueError``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = str(value).strip()
    if not text or text.lower() == "nan":
        return math.nan
    text = _SPACES.sub("", text).replace("\u2212", "-").replace("\u2013", "-")
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif commas > 1:
        text = text.replace(",", "")
    elif commas == 1:
        text = text.replace(",", ".")
    elif dots > 1:
        text = text.replace(".", "")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{value!r} is not a number")
    number = float(text)
    if not math.isfinite(number):  # 1e309: beyond what a float holds, it would be infinite
        raise ValueError(f"{value!r} is too large to be a number")
    return number


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_number`: return (float Series, bool Series marking bad cells).

    Blank cells are NaN and not bad; cells that are not numbers are NaN and bad.
    """
    out = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values.tolist()):
        try:
            out[i] = parse_number(value)
        except ValueError:
            bad[i] = True
    return (
        pd.Series(out, index=values.index, name=values.name),
        pd.Series(bad, index=values.index, name=values.name),
    )


# --------------------------------------------------------------------------- reading tables


def normalise_column(name: object) -> str:
    """Column name as the workbook compares it: stripped, lower-case, no BOM."""
    return str(name if name is not None else "").replace("\ufeff", "").strip().lower()


def _frame(
    header: list[object], rows: list[tuple[int, list[object]]], file: str, problems: list[Problem]
) -> pd.DataFrame:
    """Build the string frame from a header and (excel_row, cells) pairs."""
    columns = [normalise_column(c) for c in header]
    width = len(columns)
    while width and not columns[width - 1]:
        width -= 1  # trailing empty header cells (Excel often leaves some)
    columns = columns[:width]
    seen: dict[str, int] = {}
    for i, col in enumerate(columns):
        if not col:
            columns[i] = f"column_{i + 1}"
            problems.append(
                Problem(
                    file,
                    f"column {i + 1} has no name",
                    row=1,
                    hint="give it a name in the first row, or delete the column",
                )
            )
        elif col in seen:
            problems.append(
                Problem(
                    file,
                    f"two columns are called '{col}' (columns {seen[col] + 1} and {i + 1})",
                    row=1,
                    column=col,
                    hint="rename or delete one of them",
                )
            )
            columns[i] = f"{col}_{i + 1}"
        else:
            seen[col] = i
    data: list[list[object]] = []
    row_numbers: list[int] = []
    too_long: list[tuple[int, int]] = []
    for excel_row, cells in rows:
        cells = [None if c is None or (isinstance(c, str) and not c.strip()) else c for c in cells]
        if all(c is None for c in cells):
            continue  # blank line: skipped, but it still counts in the row numbers
        if len(cells) > width:
            extra = [c for c in cells[width:] if c is not None]
            if extra:
                too_long.append((excel_row, len(cells)))
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        data.append([c.strip() if isinstance(c, str) else c for c in cells])
        row_numbers.append(excel_row)
    hint = (
        "a decimal comma in a ','-separated file? Quote such numbers, or save the file "
        "with ';' as separator; otherwise remove the extra values"
    )
    if len(too_long) >= 3:  # one problem, not one per row: a column name is probably missing
        shown = ", ".join(str(r) for r, _ in too_long[:10]) + (
            ", ..." if len(too_long) > 10 else ""
        )
        problems.append(
            Problem(
                file,
                f"{len(too_long)} rows have more values than the header has columns "
                f"({width}): rows {shown}",
                row=too_long[0][0],
                hint="is a column name missing in row 1? Otherwise " + hint,
            )
        )
    else:
        problems += [
            Problem(
                file, f"the row has {n} values but the header has {width} columns", row=r, hint=hint
            )
            for r, n in too_long
        ]
    frame = (
        pd.DataFrame(data, columns=columns, dtype="str")
        if data
        else pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    )
    frame[ROW] = pd.Series(row_numbers, dtype="int64")
    if len(too_long) >= 3:
        frame.attrs["misaligned"] = True  # the values do not sit under their column names
    # the headers as the file writes them (``Täljare``), for messages: the frame's are lower case
    frame.attrs["headers"] = {
        column: str(original).replace("\ufeff", "").strip()
        for column, original in zip(columns, header, strict=False)
        if original is not None and str(original).strip()
    }
    return frame


def _decode(raw: bytes, file: str) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM), else Windows-1252.

    Returns (text, encoding). Raises DataError naming the line of the first byte that is
    neither.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as cp_error:
            position = cp_error.start
            line = raw.count(b"\n", 0, position) + 1
            byte = raw[position]
            utf8_line = raw.count(b"\n", 0, utf8_error.start) + 1
            extra = (
                f"; the first byte that is not UTF-8 is on line {utf8_line}"
                if utf8_line != line
                else ""
            )
            row, column = _locate_bad_byte(raw, line)
            raise DataError(
                Problem(
                    file,
                    f"the file is neither valid UTF-8 nor Windows-1252: byte 0x{byte:02X} on line "
                    f"{line} means nothing in either{extra}",
                    row=row,
                    column=column,
                    hint=SAVE_AS_UTF8,
                )
            ) from None


def _locate_bad_byte(raw: bytes, line: int) -> tuple[int, str | None]:
    """Excel row and column of the first byte undefined in Windows-1252 (else its line)."""
    text = raw.decode("cp1252", errors="replace")
    try:
        reader = csv.reader(_io.StringIO(text, newline=""), delimiter=_sniff_separator(text))
        header: list[str] | None = None
        for number, cells in enumerate(reader, start=1):
            if header is None:
                header = [normalise_column(c) for c in cells]
            for i, cell in enumerate(cells):
                if "\ufffd" in cell:
                    name = header[i] if number > 1 and i < len(header) else None
                    return number, name or None
    except csv.Error:
        pass
    return line, None


_MOJIBAKE = re.compile("Ã[¥¤¶…„–]")


def _sniff_separator(text: str) -> str:
    """``;``, ``,`` or tab, whichever the header line (outside quotes) uses most."""
    header = text.split("\n", 1)[0]
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda k: (counts[k], k == ";"))
    return best if counts[best] else ";"


def read_csv_text(text: str, file: str, sep: str | None = None) -> pd.DataFrame:
    """Parse decoded CSV text (separator detected unless given) into the string frame."""
    frame, problems = _csv(text, file, sep)
    if problems:
        raise DataError(problems)
    return frame


def _csv(text: str, file: str, sep: str | None) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    sep = sep or _sniff_separator(text)
    reader = csv.reader(
        _io.StringIO(text, newline=""),
        delimiter=sep,
        quotechar='"',
        skipinitialspace=False,
        strict=False,
    )
    records: list[tuple[int, list[object]]] = []
    header: list[object] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                header = list(cells)
                continue
            records.append((number, list(cells)))
    except csv.Error as exc:
        raise DataError(
            Problem(
                file,
                f"the file cannot be read as CSV: {exc}",
                row=reader.line_num,
                hint='check for an unclosed quote (") on or before this line',
            )
        ) from None
    if header is None or not any(normalise_column(h) for h in header):
        raise DataError(
            Problem(
                file,
                "the first row (the column names) is empty",
                row=1,
                hint="put the column names in the first row",
            )
        )
    return _frame(header, records, file, problems), problems


def _excel_cell(value: object) -> object:
    """An openpyxl cell value as the text the workbook parses (dates ISO, 12.0 -> '12')."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return str(value)


def read_xlsx(path: str | Path, file: str | None = None) -> pd.DataFrame:
    """Read the first sheet of an ``.xlsx`` into the string frame (Excel dates as ISO text)."""
    frame, problems = _xlsx(Path(path), file or Path(path).name)
    if problems:
        raise DataError(problems)
    return frame


def excel_open_errors() -> tuple[type[BaseException], ...]:
    """What ``openpyxl.load_workbook`` raises for a file that is not a readable .xlsx: not a zip,
    not an Excel package, a part missing, unreadable, or malformed content."""
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    return (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError)


def _xlsx(path: Path, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The first sheet of a workbook, and what Excel files really hold: a hidden first sheet,
    the data on another sheet, formulas whose result was never saved, merged cells."""
    import openpyxl  # imported here: only needed for .xlsx inputs

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except excel_open_errors() as exc:
        raise DataError(
            Problem(
                file,
                f"the file cannot be opened as an Excel workbook ({exc})",
                hint="open it in Excel and save it again as .xlsx",
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        others = {ws.title: _sheet_header(ws) for ws in book.worksheets[1:]}
        if sheet.sheet_state != "visible":
            visible = [ws.title for ws in book.worksheets[1:] if ws.sheet_state == "visible"]
            raise DataError(
                Problem(
                    file,
                    f"the first sheet '{sheet.title}' is hidden; the workbook reads the first "
                    "sheet only, so it would read a sheet you cannot see",
                    hint="show it (right-click a sheet tab, Unhide) if it holds the data; otherwise "
                    + (
                        f"drag the sheet '{visible[0]}' to the first place"
                        if visible
                        else "move the data to the first sheet"
                    ),
                )
            )
        header, records = _sheet_rows(sheet)
        sheet_path = getattr(sheet, "_worksheet_path", None)
    finally:
        book.close()
    if header is None or not any(normalise_column(h) for h in header if h is not None):
        filled = [title for title, cells in others.items() if any(cells)]
        if filled:
            raise DataError(
                Problem(
                    file,
                    f"the first sheet '{sheet.title}' is empty; only the first sheet is read, "
                    f"and the data seem to be on the sheet '{filled[0]}'",
                    hint=f"drag the sheet '{filled[0]}' to the first place, or delete the empty sheet",
                )
            )
        if not records:
            raise DataError(
                Problem(file, "the file is empty", hint="the first row must hold the column names")
            )
        raise DataError(
            Problem(
                file,
                "the first row (the column names) is empty",
                row=1,
                hint="put the column names in the first row",
            )
        )
    problems: list[Problem] = []
    frame = _frame(header, records, file, problems)
    frame.attrs["sheet"] = sheet.title
    frame.attrs["other_sheets"] = others
    names = [normalise_column(h) for h in header]
    xml = _sheet_xml(path, sheet_path)
    problems += _unsaved_formulas(path, xml, header, records, names, file)
    problems += _merged_cells(xml, names, file)
    for column in frame.columns.drop(ROW):
        failed = frame[column].isin(EXCEL_ERRORS)
        problems += [
            Problem(
                file,
                f"the cell holds the Excel error {value}",
                row=int(row),
                column=column,
                hint="correct the formula or type the value",
            )
            for row, value in zip(frame.loc[failed, ROW], frame.loc[failed, column], strict=True)
        ]
    return frame, problems


def _sheet_rows(sheet) -> tuple[list[object] | None, list[tuple[int, list[object]]]]:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # some tools write a wrong size; read what is there
    header = None
    records: list[tuple[int, list[object]]] = []
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        cells = [_excel_cell(v) for v in values]
        if number == 1:
            header = cells
            continue
        records.append((number, cells))
    return header, records


def _sheet_header(sheet) -> list[str]:
    """The column names (first row) of another sheet, to say where data went astray."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    for values in sheet.iter_rows(min_row=1, max_row=1, values_only=True):
        return [normalise_column(_excel_cell(v)) for v in values if v is not None]
    return []


def _sheet_xml(path: Path, sheet_path: str | None) -> bytes:
    import zipfile

    if not sheet_path:
        return b""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(sheet_path.lstrip("/"))
    except (OSError, KeyError, zipfile.BadZipFile):
        return b""


def _unsaved_formulas(
    path: Path,
    xml: bytes,
    header: list[object],
    records: list[tuple[int, list[object]]],
    names: list[str],
    file: str,
) -> list[Problem]:
    """Cells that hold a formula whose result the file does not hold (written by a program, not
    saved by Excel): read as values they are empty, which is not what they are."""
    if b"<f>" not in xml and b"<f " not in xml:
        return []
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = list(book.worksheets[0].iter_rows(min_row=1, values_only=True))
    finally:
        book.close()
    problems = []
    rows = dict(records)
    rows[1] = header
    for number, values in enumerate(formulas, start=1):
        shown = rows.get(number, [])
        for index, formula in enumerate(values):
            if (
                isinstance(formula, str)
                and formula.startswith("=")
                and (index >= len(shown) or shown[index] is None)
            ):
                column = names[index] if index < len(names) and names[index] else None
                problems.append(
                    Problem(
                        file,
                        f"the cell holds the formula {formula[:60]} but not its result (the "
                        "file was written by a program and never saved in Excel)",
                        row=number,
                        column=column,
                        hint="open the file in Excel and save it (Excel then stores "
                        "the results), or type the value",
                    )
                )
    return problems


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_cells(xml: bytes, names: list[str], file: str) -> list[Problem]:
    """Merged cells in the data: only the first cell of a merge holds the value, the others are
    read as empty (a team merged over four rows is a team on one row and three blanks)."""
    from openpyxl.utils.cell import range_boundaries

    problems = []
    for match in _MERGE.finditer(xml):
        ref = match.group(1).decode("ascii")
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if max_row < 2:
            continue  # merged column titles are reported as columns without a name
        first = ref.split(":")[0]
        column = names[min_col - 1] if min_col - 1 < len(names) and names[min_col - 1] else None
        problems.append(
            Problem(
                file,
                f"the cells {ref} are merged: only {first} holds the value, the other cells "
                "are read as empty",
                row=max(min_row, 2),
                column=column,
                hint="unmerge them (Excel: Merge & Center off) and fill the value into every cell",
            )
        )
    return problems


def sheet_hint(frame: pd.DataFrame | None, column: str) -> str:
    """For a column missing from a frame read from ``.xlsx``: where it is, if on another sheet
    (only the first sheet is read); empty for CSV files and single-sheet workbooks."""
    if frame is None or not frame.attrs.get("other_sheets"):
        return ""
    wanted = normalise_column(column)
    for title, names in frame.attrs["other_sheets"].items():
        if wanted in names:
            return (
                f"; only the first sheet ('{frame.attrs.get('sheet')}') is read, and "
                f"'{column}' is on the sheet '{title}': drag that sheet to the first place"
            )
    listed = ", ".join(f"'{t}'" for t in frame.attrs["other_sheets"])
    return f"; only the first sheet ('{frame.attrs.get('sheet')}') is read (the file also has {listed})"


def read_table(path: str | Path, file: str | None = None, sep: str | None = None) -> pd.DataFrame:
    """Read a CSV or ``.xlsx`` table as strings, the way the analyst's exports really are.

    Parameters
    ----------
    path : the ``.csv`` or ``.xlsx`` file.
    file : name used in problems (default: the file name).
    sep : CSV separator; detected from the header line (``;``, ``,`` or tab) when None.

    Returns
    -------
    DataFrame with one ``str`` column per header cell (names stripped and lower-cased), cells
    stripped, blank cells NA, blank rows dropped, and ``_row``: the row number Excel shows
    (header = row 1). Excel dates become ISO text (``2024-03-18``).

    Raises
    ------
    DataError : empty file, bytes that are neither UTF-8 nor Windows-1252 (with the line),
        text that mixes the two, rows longer than the header, duplicate or unnamed columns.
    """
    frame, problems = read_table_problems(path, file, sep=sep)
    if problems:
        raise DataError(problems)
    return frame


def read_table_problems(
    path: str | Path, file: str | None = None, sep: str | None = None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """:func:`read_table` that returns (frame or None, problems) instead of raising.

    The frame is None when the file cannot be read at all (missing, empty, wrong encoding);
    with problems inside the table (rows longer than the header, duplicate column names,
    Excel error cells) the frame is returned too, so that its other checks can go on.
    """
    try:
        return _read_any(Path(path), file or Path(path).name, sep)
    except DataError as exc:
        return None, exc.problems


def _read_any(path: Path, file: str, sep: str | None) -> tuple[pd.DataFrame, list[Problem]]:
    if not path.is_file():
        raise DataError(Problem(file, "the file does not exist"))
    if path.stat().st_size == 0:
        raise DataError(
            Problem(file, "the file is empty", hint="the first row must hold the column names")
        )
    if path.suffix.lower() == ".xlsx":
        return _xlsx(path, file)
    if path.suffix.lower() == ".xls":
        raise DataError(
            Problem(
                file, "old Excel files (.xls) are not read", hint="save it as .xlsx or as CSV UTF-8"
            )
        )
    raw = path.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        raise DataError(
            Problem(
                file,
                "the file is an Excel workbook with a .csv name",
                hint="rename it to .xlsx, or save it from Excel as CSV UTF-8",
            )
        )
    text, encoding = _decode(raw, file)
    if not text.strip():
        raise DataError(
            Problem(file, "the file is empty", hint="the first row must hold the column names")
        )
    if encoding == "cp1252":
        match = _MOJIBAKE.search(text)
        if match:
            # Rows as Excel numbers them (a quoted cell may span lines), for both parts: the text
            # decoded as Windows-1252 has one character per byte, so offsets are byte offsets.
            separator = sep or _sniff_separator(text)
            row, cells = _row_at(text, match.start(), separator)
            header = _row_at(text, 0, separator)[1] or []
            column = next(
                (
                    normalise_column(header[i])
                    for i, c in enumerate(cells or [])
                    if match.group() in c and i < len(header)
                ),
                None,
            )
            try:
                raw.decode("utf-8-sig")
                other = ""
            except UnicodeDecodeError as exc:
                cp_row = _row_at(text, exc.start, separator)[0]
                other = f"; row {cp_row} is Windows-1252 (it has a byte that is not UTF-8)"
            raise DataError(
                Problem(
                    file,
                    f"the file mixes UTF-8 and Windows-1252: '{match.group()}' in row {row} "
                    f"is a UTF-8 'å', 'ä' or 'ö' read as Windows-1252{other}",
                    row=row,
                    column=column,
                    hint=SAVE_AS_UTF8 + " and check the Swedish letters",
                )
            )
    return _csv(text, file, sep)


def _row_at(text: str, offset: int, sep: str) -> tuple[int, list[str] | None]:
    """The row (as Excel numbers it, header = 1) holding character ``offset`` of CSV ``text``,
    with its cells; quoted cells spanning several lines are one row."""
    line = text.count("\n", 0, offset) + 1
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=False)
    try:
        for number, cells in enumerate(reader, start=1):
            if reader.line_num >= line:
                return number, cells
    except csv.Error:
        pass
    return line, None
