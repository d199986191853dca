"""Command line: ``python -m research figures|assess|screen|report|notebooks``.

Every user error prints one line on stderr (``error: ...``) and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from research.errors import InputError, Interrupted

#: research.decide.assess's defaults, repeated so that building the parser does not import the
#: engine (numpy, pandas, scipy.stats: about a second, even for a usage error); a test
#: checks that they match.
DEFAULT_DRAWS = 4096
DEFAULT_SEED = 20190911
#: Fewest and most uncertainty draws a run may use (fewer give no honest 90% interval; more
#: cost minutes and gigabytes for no visible gain).
MIN_DRAWS = 256
MAX_DRAWS = 2**20


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {self.prog}: {message}\n")
        raise SystemExit(2)


def _add_datasets(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--datasets",
        metavar="DIR",
        default=None,
        help="data folder to use instead of the project's datasets/",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m research``."""
    parser = _Parser(prog="python -m research", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    fig = sub.add_parser("figures", help="print the articles' figures with source and date")
    fig.add_argument("--metric", default=None, help="only this metric")
    fig.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _add_datasets(fig)

    ass = sub.add_parser("assess", help="assess one brand profile: verdict, p_go, reasons")
    ass.add_argument("profile", metavar="PROFILE.yaml")
    _add_run_options(ass)
    ass.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _add_datasets(ass)

    scr = sub.add_parser("screen", help="assess and rank many brands (files, folders, CSV)")
    scr.add_argument("paths", nargs="+", metavar="PATH")
    _add_run_options(scr)
    scr.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _add_datasets(scr)

    rep = sub.add_parser("report", help="the main job: assess brands and write build/")
    rep.add_argument("profiles", nargs="*", metavar="PROFILE")
    rep.add_argument("--out", metavar="DIR", default=None, help="output folder (default build/)")
    _add_run_options(rep)
    _add_datasets(rep)

    nbs = sub.add_parser("notebooks", help="re-execute notebooks in place (refresh their outputs)")
    nbs.add_argument(
        "paths", nargs="*", metavar="NOTEBOOK.ipynb", help="default: every notebooks/NN-*.ipynb"
    )
    return parser


def _whole(low: int, high: int | None = None):
    """Return an argparse type: a whole number in [low, high] (no upper bound if None)."""

    def parse(text: str) -> int:
        from research.data.yaml12 import number_or_text

        shown = text if len(text) <= 24 else text[:20] + "..."
        try:
            value = number_or_text(text.strip())
        except ValueError as err:  # more digits than any draw count or seed needs
            raise argparse.ArgumentTypeError(f"'{shown}' is not a whole number ({err})") from None
        if not isinstance(value, int):
            raise argparse.ArgumentTypeError(f"'{shown}' is not a whole number (digits 0-9)")
        if value < low or (high is not None and value > high):
            bound = f"{low:,} to {high:,}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"{value} is outside {bound}")
        return value

    return parse


def _date(text: str):
    """Return an argparse type for a date YYYY-MM-DD."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a date (use YYYY-MM-DD)") from None


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--analysis-date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date of the analysis (default today; pins outputs for reruns)",
    )
    p.add_argument(
        "--draws",
        type=_whole(MIN_DRAWS, MAX_DRAWS),
        default=DEFAULT_DRAWS,
        help=f"uncertainty draws (default {DEFAULT_DRAWS})",
    )
    p.add_argument(
        "--seed", type=_whole(0), default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )


def _cmd_figures(args: argparse.Namespace) -> int:
    from research.data import evidence

    ev = evidence.load_evidence(args.datasets)
    table = evidence.figures_table(ev, args.metric)
    cols = [
        "obs_id",
        "metric",
        "segment",
        "value",
        "unit",
        "qualifier",
        "as_of",
        "as_of_is_estimated",
        "source_id",
        "published",
        "locator",
        "kind",
        "repeats_obs_id",
        "conflicts_with",
    ]
    table = table[cols]
    if args.format == "json":
        records = json.loads(table.to_json(orient="records", date_format="iso"))
        for r in records:
            for k in ("as_of", "published"):
                r[k] = r[k][:10]
        print(json.dumps(records, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(table.to_csv(index=False, date_format="%Y-%m-%d"))
    else:
        from research.formats import format_date
        from research.present.evidence_tables import summary_text

        shown = table.drop(columns=["published", "as_of_is_estimated"]).assign(
            as_of=[
                format_date(d, estimated=e, day=True)
                for d, e in zip(table["as_of"], table["as_of_is_estimated"], strict=True)
            ],
            segment=table["segment"].fillna(""),
            value=table["value"].map(lambda v: f"{v:,.10g}"),
        )
        print(shown.to_string(index=False, max_colwidth=48))
        print()
        print(summary_text(ev))
    return 0


def _cmd_assess(args: argparse.Namespace) -> int:
    from research import clock
    from research.data import profile_files
    from research.data.assumptions import load_assumptions
    from research.data.evidence import load_evidence

    day = clock.pin(args.analysis_date) if args.analysis_date else clock.analysis_date()
    ev = load_evidence(args.datasets)
    a = load_assumptions(ev.datasets_dir)
    profile = profile_files.load_profile(args.profile, ev)
    # the engine, once the profile is known to be valid
    from research.decide import assess as decision
    from research.present import text as summary

    result = decision.assess(
        profile, ev=ev, a=a, draws=args.draws, seed=args.seed, analysis_date=day
    )
    if args.format == "json":
        sys.stdout.write(summary.to_json(result))
    elif args.format == "markdown":
        sys.stdout.write(summary.to_markdown(result, ev, a))
    else:
        sys.stdout.write(summary.to_text(result))
    return 0


def _cmd_screen(args: argparse.Namespace) -> int:
    from research import clock
    from research.data import profile_files
    from research.data.evidence import load_evidence

    if args.analysis_date:
        clock.pin(args.analysis_date)
    ev = load_evidence(args.datasets)
    profiles = profile_files.load_profiles(args.paths, ev)
    # the engine, once the profiles are known to be valid
    from research.decide import assess as decision
    from research.formats import format_probability, format_users
    from research.present.escape import spreadsheet_cell

    table = decision.assess_many(profiles, ev=ev, draws=args.draws, seed=args.seed)
    table = table.round({"p_go": 4, "reach_p50": 0, "need": 0})
    if args.format == "json":
        print(table.to_json(orient="records", indent=2, force_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(table.map(spreadsheet_cell).to_csv(index=False))
    else:
        shown = table[["slug", "verdict", "p_go", "reach_p50", "need", "gate", "category"]].assign(
            p_go=table["p_go"].map(format_probability),
            reach_p50=table["reach_p50"].map(format_users),
            need=table["need"].map(format_users),
        )
        print(
            shown.rename(columns={"p_go": "chance", "reach_p50": "reach a day"}).to_string(
                index=False
            )
        )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from research import report

    return report.run_report(args)


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from pathlib import Path

    from research import notebooks

    paths = [Path(p) for p in args.paths] or notebooks.notebook_paths()
    for p in paths:
        if p.suffix != ".ipynb" or not p.is_file():
            raise InputError(f"{p}: not a notebook file (.ipynb)")
        notebooks.check_notebook(p)
    for p in paths:
        print(f"running {p.name}", file=sys.stderr, flush=True)
        notebooks.refresh([p])
    print(f"refreshed {len(paths)} notebooks")
    return 0


_COMMANDS = {
    "figures": _cmd_figures,
    "assess": _cmd_assess,
    "screen": _cmd_screen,
    "report": _cmd_report,
    "notebooks": _cmd_notebooks,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input, 130/143 stopped)."""
    try:
        args = build_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except InputError as err:
        one_line = str(err).replace("\r", "\\r").replace("\n", "\\n")
        sys.stderr.write(f"error: {one_line}\n")
        return 2
    except Interrupted as stop:
        sys.stderr.write(f"stopped ({stop}): workers ended, unfinished files removed\n")
        return stop.status
    except KeyboardInterrupt:
        sys.stderr.write("stopped (SIGINT): nothing was left half-written\n")
        return 130
    except BrokenPipeError:
        return 0
