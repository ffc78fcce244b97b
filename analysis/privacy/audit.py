"""The auditor: reads rendered reports and checks that no hidden survey count can be worked out.

It is separate from the suppressor in what it trusts: it reads only the HTML the reports
publish (every marked number, :mod:`analysis.privacy.marks`) and the codebooks (the
questionnaires, which a reader has too), never the data or the suppressor's decisions. It

1. collects every survey count the pages show or hide, across all the pages given (a number
   hidden in one report and shown in another is shown), and checks that each shown number's text
   says what its mark says (a count, a share of its base, "x av N");
2. rebuilds each survey's system of cells from its codebook
   (:class:`analysis.surveys.cells.SurveyModel`), fixes every shown count, and
3. computes for every hidden or unshown count of every shown group the interval a reader can
   narrow it to (exact integer optima, :mod:`analysis.privacy.intervals`), and reports the
   counts at risk.

It assumes a reader knows every shown count exactly (the strongest reader) and reads the charts
through the tables: every number a chart or sentence prints is also in a marked table
(``docs/privacy.md``). Not modelled: means, medians and mean ranks; the answers of one person to
two questions jointly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .intervals import Finding, Infeasible, Solver
from .rules import SUPPRESSED

__all__ = [
    "AuditCache",
    "AuditResult",
    "MarkedNumber",
    "PageReading",
    "audit",
    "audit_folder",
    "read_marks",
    "read_page",
    "unmarked_numbers",
]


@dataclass(frozen=True)
class MarkedNumber:
    """One marked number as printed: where, its cell, its value (None: hidden), its text."""

    page: str
    cell: str
    n: int | None
    role: str
    text: str
    base_cell: str | None = None
    base: int | None = None


@dataclass
class AuditResult:
    """What the auditor found: counts at risk, and marks that contradict their text or each other."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    cells_checked: int = 0
    numbers_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings and not self.problems

    def __str__(self) -> str:
        if self.ok:
            return f"privacy audit passed: {self.numbers_read} numbers read, {self.cells_checked} counts checked"
        lines = [
            f"privacy audit FAILED: {len(self.findings)} count(s) at risk, {len(self.problems)} problem(s)"
        ]
        lines += [f"  {f}" for f in self.findings]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


_VOID = ("br", "img", "meta", "link", "input", "hr", "col", "source", "wbr")


class _MarkParser(HTMLParser):
    """Collects marked numbers, and the cells of survey tables (``data-survey``) to check that
    every number in a column of marked numbers is marked."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[dict] = []
        self.out: list[MarkedNumber] = []
        self.tables: list[
            list[list[tuple[bool, str]]]
        ] = []  # survey tables: rows of (marked, text)
        self._table: list[list[tuple[bool, str]]] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _VOID:
            return
        if tag == "table":
            self._depth += 1
            if "data-survey" in attrs and self._table is None:
                self._table, self._table_depth = [], self._depth
        if tag == "tr" and self._table is not None:
            self._table.append([])
        self.stack.append({"tag": tag, "attrs": attrs, "text": []})

    def handle_endtag(self, tag):
        if tag in _VOID or not self.stack:
            return
        item = self.stack.pop()
        a = item["attrs"]
        text = "".join(item["text"]).strip()
        if item["tag"] == "td" and self._table is not None and self._table:
            self._table[-1].append(("data-cell" in a, text))
        if item["tag"] == "table":
            if self._table is not None and self._depth == self._table_depth:
                self.tables.append(self._table)
                self._table = None
            self._depth -= 1
        if "data-cell" not in a:
            return
        self.out.append(
            MarkedNumber(
                self.page,
                a["data-cell"],
                int(a["data-n"]) if a.get("data-n") not in (None, "") else None,
                a.get("data-role", "n"),
                text,
                a.get("data-base-cell"),
                int(a["data-base"]) if a.get("data-base") not in (None, "") else None,
            )
        )

    def handle_data(self, data):
        for item in self.stack:
            item["text"].append(data)


def unmarked_numbers(html: str, page: str = "") -> list[str]:
    """Numbers in a survey table that carry no mark although their column does (a report that
    would print a survey count the auditor cannot see)."""
    return list(read_page(html, page).problems)


def _unmarked(tables: list, page: str) -> list[str]:
    out = []
    for rows in tables:
        rows = [r for r in rows if r]  # the header row holds th, not td
        width = max((len(r) for r in rows), default=0)
        marked_columns = {j for r in rows for j, (marked, _) in enumerate(r) if marked}
        for r in rows:
            for j, (marked, text) in enumerate(r):
                if (
                    j in marked_columns
                    and not marked
                    and len(r) == width
                    and any(ch.isdigit() for ch in text)
                ):
                    out.append(f"{page}: the number {text!r} in a survey table carries no mark")
    return out


def read_marks(html: str, page: str = "") -> list[MarkedNumber]:
    """Every marked number of a page."""
    return list(read_page(html, page).marks)


@dataclass(frozen=True)
class PageReading:
    """What the auditor reads from one page (one pass of the parser): its marked numbers, the
    language its numbers are written in, and its unmarked numbers in marked columns."""

    marks: tuple[MarkedNumber, ...]
    lang: str
    problems: tuple[str, ...]


def read_page(html: str, page: str = "") -> PageReading:
    """Read one page: :class:`PageReading`."""
    parser = _MarkParser(page)
    parser.feed(html)
    parser.close()
    return PageReading(
        tuple(parser.out), page_language(html), tuple(_unmarked(parser.tables, page))
    )


_NUMBER = re.compile(r"\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?")
# English pages write 1,500.5 (text.number): the comma groups thousands, the point is decimal
_NUMBER_EN = re.compile(r"\d(?:\d|,(?=\d{3}))*(?:\.\d+)?")
_HTML_LANG = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z-]+)", re.I)


def page_language(html: str) -> str:
    """The language a page declares (``<html lang>``), which decides how its numbers are written;
    Swedish when it declares none."""
    found = _HTML_LANG.search(html)
    return found.group(1).lower().split("-")[0] if found else "sv"


def _numbers(text: str, lang: str = "sv") -> list[float]:
    if lang == "en":
        return [float(m.replace(",", "")) for m in _NUMBER_EN.findall(text)]
    return [
        float(m.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", "."))
        for m in _NUMBER.findall(text)
    ]


def _text_problem(m: MarkedNumber, lang: str = "sv") -> str | None:
    """Whether a shown number's text says what its mark says (None when it does)."""
    where = f"{m.page}: {m.cell}"
    if m.n is None:
        hidden_text = m.text in (SUPPRESSED, "–", "") or m.role == "derived"
        return (
            None
            if hidden_text or m.base is None and m.role != "n"
            else (f"{where}: hidden but printed as {m.text!r}")
        )
    if m.text == SUPPRESSED:
        return f"{where}: printed '..' but its value {m.n} is in the page"
    numbers = _numbers(m.text, lang)
    if m.role == "n":
        return None if numbers[:1] == [m.n] else f"{where}: printed {m.text!r} for the count {m.n}"
    if m.role in ("share", "share_ci"):
        if m.base is None:
            return f"{where}: a share without its base"
        if not numbers:
            return None if m.text in ("–",) else f"{where}: printed {m.text!r} for a share"
        pct = 100.0 * m.n / m.base if m.base else float("nan")
        if m.base and abs(numbers[0] - pct) > 0.5 + 1e-9:
            return f"{where}: printed {m.text!r} for {m.n} of {m.base}"
        if m.role == "share_ci" and len(numbers) >= 4 and numbers[-1] != m.base:
            return f"{where}: printed n = {numbers[-1]:g} for the base {m.base}"
        return None
    if m.role == "x_of_n":
        if (
            numbers
            and numbers[0] != m.n
            or len(numbers) > 1
            and m.base is not None
            and numbers[1] != m.base
        ):
            return f"{where}: printed {m.text!r} for {m.n} of {m.base}"
    return None


class AuditCache:
    """What earlier audits read and solved, for an audit after ``workbook run`` (issue 18: when one
    team's data change, 2 of 206 pages change and the county survey's system is the same).

    ``pages``: the reading of each page by its name and the hash of its HTML; ``surveys``: the
    surveys whose system of shown and hidden counts passed, by the hash of everything their check
    depends on (codebook, every shown and hidden cell with its value, ``min_count``). Only passing
    checks are kept: a survey that failed is solved again. The file belongs to one version of the
    package code (:func:`analysis.io.code_hash`); another version starts empty.
    """

    def __init__(self, version: str, pages=None, surveys=None):
        self.version = version
        self.pages: dict[tuple[str, str], PageReading] = dict(pages or {})
        self.surveys: dict[str, int] = dict(surveys or {})
        self.used_pages: set[tuple[str, str]] = set()

    @classmethod
    def load(cls, path: Path, version: str) -> AuditCache:
        import pickle

        try:
            with Path(path).open("rb") as handle:
                stored = pickle.load(handle)
        except FileNotFoundError:
            return cls(version)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, OSError):
            return cls(version)  # unreadable: audit everything again
        if not isinstance(stored, dict) or stored.get("version") != version:
            return cls(version)
        return cls(version, stored.get("pages"), stored.get("surveys"))

    def save(self, path: Path) -> None:
        """Write the cache (only the pages of this audit: removed pages leave it)."""
        import pickle

        from ..io import atomic_path

        pages = {k: v for k, v in self.pages.items() if k in self.used_pages}
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(Path(path)) as tmp:
            Path(tmp).write_bytes(
                pickle.dumps(
                    {"version": self.version, "pages": pages, "surveys": self.surveys}, protocol=5
                )
            )

    def read(self, name: str, html: str) -> PageReading:
        import hashlib

        key = (name, hashlib.sha256(html.encode("utf-8")).hexdigest())
        self.used_pages.add(key)
        if key not in self.pages:
            self.pages[key] = read_page(html, name)
        return self.pages[key]


def _survey_key(codebook, keys, shown, min_count: int) -> str | None:
    """The hash of what a survey's check depends on; None when the codebook cannot be pickled."""
    import hashlib
    import pickle

    try:
        payload = pickle.dumps(
            (codebook, sorted(keys), sorted(shown.items()), min_count), protocol=5
        )
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.sha256(payload).hexdigest()


def audit(
    pages: Mapping[str, str],
    codebooks: Mapping[str, object],
    min_count: int,
    cache: AuditCache | None = None,
) -> AuditResult:
    """Audit the survey numbers of ``pages`` (name -> HTML) against ``codebooks`` (survey id ->
    :class:`analysis.surveys.Codebook`) with the protection rule at ``min_count``. With ``cache``
    (:class:`AuditCache`) an unchanged page is not parsed again and a survey whose shown and
    hidden counts are those of a check that passed is not solved again; the result is the same."""
    from ..surveys.cells import CellKey

    result = AuditResult()
    marks: list[MarkedNumber] = []
    languages: dict[str, str] = {}
    for name, html in pages.items():
        reading = cache.read(name, html) if cache is not None else read_page(html, name)
        marks += reading.marks
        languages[name] = reading.lang
        result.problems += reading.problems
    result.numbers_read = len(marks)
    shown: dict[str, dict[CellKey, int]] = {}
    seen: dict[str, set[CellKey]] = {}
    where: dict[CellKey, str] = {}
    for m in marks:
        problem = _text_problem(m, languages.get(m.page, "sv"))
        if problem:
            result.problems.append(problem)
        for cell, value in ((m.cell, m.n), (m.base_cell, m.base)):
            if cell is None:
                continue
            try:
                key = CellKey.from_json(cell)
            except (ValueError, KeyError, TypeError):
                result.problems.append(f"{m.page}: unreadable mark {cell!r}")
                continue
            seen.setdefault(key.survey, set()).add(key)
            where.setdefault(key, m.page)
            if value is not None:
                before = shown.setdefault(key.survey, {}).get(key)
                if before is not None and before != value:
                    result.problems.append(
                        f"{key.label()}: shown as {before} and as {value} ({m.page})"
                    )
                shown[key.survey][key] = value
    for survey_id, keys in sorted(seen.items()):
        codebook = codebooks.get(survey_id)
        if codebook is None:
            result.problems.append(
                f"no codebook for survey {survey_id!r}: its numbers cannot be audited"
            )
            continue
        shown_here = shown.get(survey_id, {})
        passed_key = (
            _survey_key(codebook, keys, shown_here, min_count) if cache is not None else None
        )
        if passed_key is not None and passed_key in cache.surveys:
            result.cells_checked += cache.surveys[passed_key]
            continue
        findings, problems, checked = _check_survey(
            codebook, survey_id, keys, shown_here, where, min_count
        )
        result.findings += findings
        result.problems += problems
        result.cells_checked += checked
        if passed_key is not None and not findings and not problems:
            cache.surveys[passed_key] = checked
    return result


def _check_survey(codebook, survey_id: str, keys, shown_here, where, min_count: int):
    """Solve one survey's system: (findings, problems, number of counts checked)."""
    from ..surveys.cells import BLANK, MISSING, SurveyModel

    findings: list[Finding] = []
    problems: list[str] = []
    model = SurveyModel(codebook)
    system = model.system
    index: dict = {}
    for key in [*sorted(keys), *model.structure_cells()]:
        if key in index:
            continue
        try:
            atoms = model.atoms(key)
        except KeyError as exc:
            problems.append(
                f"{where.get(key, survey_id)}: {key.label()} is outside the model ({exc})"
            )
            continue
        index[key] = system.add_cell(atoms, key.label())
    values = {index[k]: float(v) for k, v in shown_here.items() if k in index}
    status = ["hidden" if k in keys else "not shown" for k in index]
    check = [
        i
        for k, i in index.items()
        if k.category != BLANK
        and not any(v == MISSING for _, v in k.group)
        and len(system.cells[i])
    ]
    try:
        solver = Solver(system, values)
        findings += solver.check(min_count, cells=check, shown_as=status)
    except Infeasible as exc:
        problems.append(f"survey {survey_id!r}: the shown numbers contradict each other ({exc})")
    return findings, problems, len(check)


def audit_folder(
    folder: str | Path,
    data_dir: str | Path,
    min_count: int,
    pages: Iterable[str] | None = None,
    cache_file: str | Path | None = None,
) -> AuditResult:
    """Audit the HTML reports of ``folder`` (default: every ``*.html``) with the codebooks of
    ``data_dir``; with ``cache_file`` (``workbook run``'s audit) through an :class:`AuditCache`
    kept there."""
    from ..io import code_hash
    from ..surveys import find_surveys, load_codebook

    folder = Path(folder)
    files = [folder / p for p in pages] if pages is not None else sorted(folder.glob("*.html"))
    html = {f.name: f.read_text(encoding="utf-8") for f in files if f.is_file()}
    codebooks = {s: load_codebook(Path(data_dir) / "surveys" / s) for s in find_surveys(data_dir)}
    if cache_file is None:
        return audit(html, codebooks, min_count)
    cache = AuditCache.load(Path(cache_file), code_hash())
    result = audit(html, codebooks, min_count, cache)
    cache.save(Path(cache_file))
    return result
