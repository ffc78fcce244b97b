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
from .config import ConfigError, load_config

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

    sample = sub.add_parser("sample", help="regenerate the synthetic sample data in data/sample")
    sample.add_argument(
        "folder", nargs="?", type=Path, help="another folder (default: data/sample)"
    )

    kolada = sub.add_parser(
        "kolada",
        help="fetch county indicators from Kolada (see workbook kolada -h)",
        add_help=False,
    )
    kolada.add_argument("args", nargs=argparse.REMAINDER)
    return parser


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
    audited = _audit(load_config().outputs_dir)
    return summary.exit_code if audited == EXIT_OK else audited


def _audit(folder: Path) -> int:
    """Audit every published report of ``folder`` together (the privacy auditor)."""
    from .privacy.audit import audit_folder

    config = load_config()
    if not any("data-cell=" in p.read_text(encoding="utf-8") for p in Path(folder).glob("*.html")):
        return EXIT_OK  # no survey numbers published
    result = audit_folder(folder, config.data_dir(), config.min_count)
    print(result, flush=True)
    if not result.ok:
        print(f"do not publish {folder} until this is fixed (docs/privacy.md)", file=sys.stderr)
        return EXIT_FAILED
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
        changed = [x for x in r["reasons"] if x in ("notebook", "params", "data", "code")]
        if changed:
            state += f" ({', '.join(changed)} changed)"
        elif r["reasons"]:
            state += f" ({', '.join(r['reasons'])})"
        print(f"{r['name']:<{width}}  {state:<32} {params}")
    stale = sum(1 for r in rows if r["state"] != "fresh")
    print(f"{len(rows)} report(s), {stale} to build", file=sys.stderr)
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    from .sample import write_sample

    written = write_sample(args.folder) if args.folder else write_sample()
    folder = args.folder or load_config().sample_dir
    print(f"wrote {len(written or [])} file(s) of synthetic sample data to {folder}")
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
    try:
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


if __name__ == "__main__":
    sys.exit(main())
