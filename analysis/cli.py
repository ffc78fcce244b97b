"""The ``workbook`` command: check the data, build the reports, list the plan, make the sample.

Exit codes a scheduler can act on: 0 all good, 1 some report failed (or ``check`` found problems),
2 bad configuration or data.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from . import __version__
from .config import ENV_DATA, ConfigError, load_config

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
# A full disk or a folder the workbook may not write is a problem of the set-up (exit 2, a
# sentence), not "a report failed" (exit 1) and not a traceback.
FILE_SYSTEM_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space and run again",
    errno.EDQUOT: "the disk quota is used up: free some space and run again",
    errno.EFBIG: "a file grew beyond what the file system allows",
    errno.EROFS: "the file system is read-only: make the folder writable, or set another "
    "outputs_dir in workbook.yml",
    errno.EACCES: "permission denied: make the folder readable and writable for this user, or "
    "set another outputs_dir in workbook.yml",
    errno.EPERM: "not permitted: make the folder writable for this user, or set another "
    "outputs_dir in workbook.yml",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook",
        description="The analysis workbook of the improvement network (Region Jönköpings län).",
        epilog="Exit codes: 0 all good, 1 some report failed or data problems found, "
        "2 bad configuration or data.",
    )
    parser.add_argument("--version", action="version", version=f"workbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check a data folder and list every problem")
    check.add_argument(
        "folder",
        nargs="?",
        type=Path,
        help="data folder (default: data/raw when it holds data, else data/sample)",
    )
    _data_option(check)

    run = sub.add_parser(
        "run",
        help="build the HTML reports of the plan in workbook.yml",
        description="Build the reports: unchanged reports are reused, the others "
        "run in parallel in fresh kernels; see outputs/index.html.",
    )
    run.add_argument(
        "--only",
        action="append",
        metavar="NOTEBOOK",
        default=[],
        help="only this notebook or report name (repeatable)",
    )
    run.add_argument(
        "--param",
        action="append",
        metavar="K=V",
        default=[],
        help="set a parameter, e.g. --param team=nassjo (repeatable)",
    )
    run.add_argument("--force", action="store_true", help="rebuild even unchanged reports")
    run.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="reports in parallel (default: run.workers in workbook.yml)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster, e.g. tcp://host:8786",
    )
    run.add_argument("--lang", choices=("sv", "en"), help="report language (default: workbook.yml)")
    run.add_argument(
        "--plain-kernels",
        action="store_true",
        help="start every kernel as a new program instead of forking a warm one",
    )
    run.add_argument(
        "--lossless-images",
        action="store_true",
        help="keep figures as drawn (default: 256-colour PNGs, about 3x smaller)",
    )
    _data_option(run)

    audit = sub.add_parser(
        "audit",
        help="check that no hidden survey count can be worked out from the "
        "published reports (docs/privacy.md)",
    )
    audit.add_argument(
        "folder", nargs="?", type=Path, help="folder of HTML reports (default: outputs/)"
    )

    lst = sub.add_parser("list", help="show the report plan and which reports are out of date")
    lst.add_argument("--only", action="append", metavar="NOTEBOOK", default=[])
    lst.add_argument("--param", action="append", metavar="K=V", default=[])
    lst.add_argument("--lang", choices=("sv", "en"))
    _data_option(lst)

    sample = sub.add_parser(
        "sample",
        help="regenerate the synthetic sample data in data/sample, or write a "
        "county-scale one (--teams N)",
        description="Without --teams: the built-in sample (9 teams) in data/sample. With --teams N: "
        "a county-scale synthetic data folder of N teams over the 13 municipalities "
        "(default folder data/county<N>), for trying the workbook at that size.",
    )
    sample.add_argument(
        "folder", nargs="?", type=Path, help="another folder (default: data/sample)"
    )
    sample.add_argument("--out", type=Path, metavar="DIR", help="the folder to write (as FOLDER)")
    sample.add_argument(
        "--teams",
        type=int,
        metavar="N",
        help="a county-scale sample of N teams (e.g. 100), not the built-in one",
    )
    sample.add_argument(
        "--respondents",
        type=int,
        metavar="N",
        default=100_000,
        help="answers to the county's pupil survey with --teams (default 100000)",
    )

    template = sub.add_parser(
        "template",
        help="write a team's data-entry template (.xlsx) to fill in",
        description="Write an Excel template a team fills in: its measures with one dated row per "
        "period, data validation, the PDSA log with drop-downs, instructions (Swedish "
        "by default). A filled template in the data folder's teams/ is read beside "
        "the main tables (data/raw/README.md).",
    )
    which = template.add_mutually_exclusive_group(required=True)
    which.add_argument("--team", metavar="ID", help="an existing team: its data come along")
    which.add_argument("--new", action="store_true", help="a new team: empty measure sheets")
    template.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write it (default: <private_dir>/templates/<team>.xlsx)",
    )
    template.add_argument("--force", action="store_true", help="replace FILE if it exists")
    template.add_argument("--lang", choices=("sv", "en"), help="language (default: workbook.yml)")
    template.add_argument(
        "--until",
        metavar="YYYY-MM-DD",
        help="the last period with a dated row (default: 31 December next year)",
    )
    template.add_argument(
        "--measures",
        type=int,
        default=3,
        metavar="N",
        help="--new: how many measure sheets (default 3)",
    )
    template.add_argument(
        "--frequency",
        choices=("month", "week"),
        default="month",
        help="--new: how often the measures are measured (default month)",
    )
    template.add_argument(
        "--start", metavar="YYYY-MM-DD", help="--new: the first period (default: twelve months ago)"
    )
    _data_option(template)

    kolada = sub.add_parser(
        "kolada",
        help="fetch county indicators from Kolada (see workbook kolada -h)",
        add_help=False,
    )
    kolada.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="the data folder to use (default: data: in workbook.yml, i.e. data/raw "
        f"when it holds data, else data/sample; or ${ENV_DATA})",
    )


def _use_data(folder: Path) -> None:
    """Point this command (and the kernels it starts) at the data folder ``folder``."""
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise ConfigError(f"--data {folder}: no such folder")
    os.environ[ENV_DATA] = str(folder)


def _options(args: argparse.Namespace):
    from .runner import RunOptions, parse_param

    params = dict(parse_param(p) for p in args.param)
    return RunOptions(
        only=list(args.only),
        params=params,
        force=getattr(args, "force", False),
        workers=getattr(args, "workers", None),
        scheduler=getattr(args, "scheduler", None),
        lang=args.lang,
        fast=not getattr(args, "plain_kernels", False),
        compact_images=not getattr(args, "lossless_images", False),
    )


def cmd_check(args: argparse.Namespace) -> int:
    from .dataset import check_folder

    if args.folder and args.data:
        raise ConfigError("give the folder once: as FOLDER or as --data DIR")
    folder = args.folder or load_config().data_dir()
    if not Path(folder).is_dir():
        raise ConfigError(f"{folder} is not a folder")
    from .text import t

    lang = load_config().language  # the analyst's language, as workbook.yml says
    problems = check_folder(folder)
    for problem in problems:
        print(problem.text(lang))
    errors = [p for p in problems if not p.is_warning]
    warnings = len(problems) - len(errors)
    also = t("check_and_warnings", lang, warnings=warnings) if warnings else ""
    if errors:
        print(
            t("check_errors_found", lang, errors=len(errors), also=also, folder=folder),
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(
        t("check_none_found", lang, folder=folder)
        + (t("check_warnings_to_look_at", lang, warnings=warnings) if warnings else "")
    )
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from .runner import run

    summary = run(_options(args))
    audited = _audit(load_config().outputs_dir, reuse=True)
    return summary.exit_code if audited == EXIT_OK else audited


def _audit_key(folder: Path, config) -> str:
    """What an audit's verdict depends on: every published page (name, size, time), the data
    files, the threshold and the package code."""
    import hashlib
    import json

    from .io import code_hash
    from .runner.plan import data_hash

    pages = [  # index.html is rewritten by every run and shows no survey numbers
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(Path(folder).glob("*.html"))
        if p.name != "index.html"
    ]
    state = {
        "pages": pages,
        "data": data_hash(config.data_dir()),
        "min_count": config.min_count,
        "code": code_hash(),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _audit(folder: Path, reuse: bool = False) -> int:
    """Audit every published report of ``folder`` together (the privacy auditor).

    ``reuse`` (after ``workbook run``): when the pages, the data and the code are those of the
    last audit that passed (``<private_dir>/audit.json``), it is not repeated: at county scale the
    audit reads every page and the 100,000-answer survey (a run with nothing changed would spend
    its time there). A failed audit is always repeated. When something changed, the audit reads
    again only the pages that changed and solves again only the surveys whose shown and hidden
    counts changed (``<private_dir>/audit-cache.pickle``, :class:`analysis.privacy.audit.AuditCache`).
    ``workbook audit`` (no ``reuse``) reads and solves everything."""
    config = load_config()
    memo = Path(config.private_dir) / "audit.json"
    key = _audit_key(folder, config) if reuse else None
    if key is not None:
        import json

        try:
            if json.loads(memo.read_text(encoding="utf-8")).get("passed") == key:
                return EXIT_OK
        except (OSError, ValueError, AttributeError):
            pass
    if not any("data-cell=" in p.read_text(encoding="utf-8") for p in Path(folder).glob("*.html")):
        return EXIT_OK  # no survey numbers published
    from .privacy.audit import audit_folder  # (scipy's solvers: not imported for a skip)

    cache_file = Path(config.private_dir) / "audit-cache.pickle" if reuse else None
    result = audit_folder(folder, config.data_dir(), config.min_count, cache_file=cache_file)
    print(result, flush=True)
    if not result.ok:
        print(f"do not publish {folder} until this is fixed (docs/privacy.md)", file=sys.stderr)
        return EXIT_FAILED
    if key is not None:
        import json

        from .io import atomic_path

        memo.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(memo) as tmp:
            Path(tmp).write_text(json.dumps({"passed": key}), encoding="utf-8")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    return _audit(args.folder or load_config().outputs_dir)


def cmd_list(args: argparse.Namespace) -> int:
    from .runner import plan_status

    rows = plan_status(_options(args))
    width = max((len(r["name"]) for r in rows), default=10)
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "-"
        state = r["state"]
        # the reasons name what changed: notebook, params, code, data (a report that recorded no
        # reads), or each input the report read (team nassjo's data, survey pupils, ...)
        changed = [x for x in r["reasons"] if x not in ("html missing", "not finished")]
        if changed:
            state += f" ({', '.join(changed)} changed)"
        elif r["reasons"]:
            state += f" ({', '.join(r['reasons'])})"
        print(f"{r['name']:<{width}}  {state:<32} {params}")
    stale = sum(1 for r in rows if r["state"] != "fresh")
    print(f"{len(rows)} report(s), {stale} to build", file=sys.stderr)
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    import time

    from .sample import write_sample

    if args.folder and args.out and args.folder.resolve() != args.out.resolve():
        raise ConfigError("give the folder once: as FOLDER or as --out DIR")
    config = load_config()
    folder = args.out or args.folder
    if args.teams is not None:
        if args.teams < 1 or args.respondents < 2:
            raise ConfigError("--teams must be at least 1 and --respondents at least 2")
        folder = folder or config.root / "data" / f"county{args.teams}"
    target = Path(folder or config.sample_dir).resolve()
    if target == Path(config.raw_dir).resolve() or Path(config.raw_dir).resolve() in target.parents:
        raise ConfigError(
            f"{target} is the raw data folder: the workbook never writes there; give another folder"
        )
    if args.teams is not None and target == Path(config.sample_dir).resolve():
        raise ConfigError(
            f"{target} holds the built-in sample (committed, checked byte for byte); "
            "write the county-scale sample to another folder, e.g. --out /tmp/county"
        )
    start = time.perf_counter()
    if args.teams is not None:
        from .sample.county import write_county_sample

        written = write_county_sample(target, args.teams, args.respondents)
        what = (
            f"a county-scale synthetic sample ({args.teams} teams, {args.respondents} pupil "
            "survey answers)"
        )
    else:
        written = write_sample(target)
        what = "synthetic sample data"
    print(
        f"wrote {len(written or [])} file(s) of {what} to {target} "
        f"in {time.perf_counter() - start:.1f} s"
    )
    if args.teams is not None:
        print(f"check it: workbook check {target}; build its reports: workbook run --data {target}")
    return EXIT_OK


def _date_option(text: str | None, option: str):
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} {text!r} is not a date like 2026-12-31") from None


def cmd_template(args: argparse.Namespace) -> int:
    from .dataset import load_dataset
    from .templates import TemplateError, write_template

    config = load_config()
    name = args.team or "new_team"
    out = (
        (args.out or Path(config.private_dir) / "templates" / f"{name}.xlsx").expanduser().resolve()
    )
    raw = Path(config.raw_dir).resolve()
    if out == raw or raw in out.parents:
        raise ConfigError(
            f"{out} is inside {raw}: the workbook never writes there; write the "
            "template elsewhere and let the analyst copy the filled one into teams/"
        )
    if out.suffix.lower() != ".xlsx":
        raise ConfigError(f"{out}: a template is an Excel workbook; give a name ending in .xlsx")
    if out.exists() and not args.force:
        raise ConfigError(
            f"{out} exists (perhaps a filled template); give another --out, or "
            "--force to replace it"
        )
    dataset = load_dataset(config.data_dir())
    try:
        path = write_template(
            dataset,
            out,
            None if args.new else args.team,
            lang=args.lang or config.language,
            until=_date_option(args.until, "--until"),
            new_measures=args.measures,
            frequency=args.frequency,
            start=_date_option(args.start, "--start"),
        )
    except TemplateError as exc:
        raise ConfigError(str(exc)) from None
    print(f"wrote {path}")
    print(
        "send it to the team; put the filled file in the data folder's teams/ (e.g. "
        "data/raw/teams/) and check it with `workbook check`"
    )
    return EXIT_OK


def cmd_kolada(args: argparse.Namespace) -> int:
    from .kolada import main as kolada_main

    return int(kolada_main(list(args.args)) or 0)


COMMANDS = {
    "check": cmd_check,
    "run": cmd_run,
    "audit": cmd_audit,
    "list": cmd_list,
    "sample": cmd_sample,
    "template": cmd_template,
    "kolada": cmd_kolada,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workbook`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if argv[:1] == ["kolada"]:  # everything after `kolada` is the Kolada command's own
        args = argparse.Namespace(command="kolada", args=argv[1:])
    else:
        args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_CONFIG
    before = os.environ.get(ENV_DATA)
    try:
        if getattr(args, "data", None) is not None:
            _use_data(args.data)
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"workbook {args.command}: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ValueError as exc:  # analysis.io.DataError; imported lazily (it imports pandas)
        from .io import DataError

        if not isinstance(exc, DataError):
            raise
        print(f"workbook {args.command}: data error:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    except BrokenPipeError:  # the output was piped into `head` or similar, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        advice = FILE_SYSTEM_ADVICE.get(exc.errno)
        if advice is None:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(
            f"workbook {args.command}: {where}{exc.strerror or exc} ({advice}); files are "
            "written whole or not at all, so no report was left half-written",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:  # --data holds for this command only (main may be called again in one process)
        if before is None:
            os.environ.pop(ENV_DATA, None)
        else:
            os.environ[ENV_DATA] = before


if __name__ == "__main__":
    sys.exit(main())
