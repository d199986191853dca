"""Command line: ``python -m research figures|assess|screen|report``.

Every user error prints one line on stderr (``error: ...``) and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from research.errors import InputError


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {self.prog}: {message}\n")
        raise SystemExit(2)


def _add_datasets(p: argparse.ArgumentParser) -> None:
    p.add_argument("--datasets", metavar="DIR", default=None,
                   help="data folder to use instead of the project's datasets/")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m research``."""
    parser = _Parser(prog="python -m research", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    fig = sub.add_parser("figures", help="print the articles' figures with source and date")
    fig.add_argument("--metric", default=None, help="only this metric")
    fig.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _add_datasets(fig)

    rep = sub.add_parser("report", help="the main job: assess brands and write build/")
    _add_datasets(rep)
    return parser


def _cmd_figures(args: argparse.Namespace) -> int:
    from research import evidence

    ev = evidence.load_evidence(args.datasets)
    table = evidence.figures_table(ev, args.metric)
    cols = ["obs_id", "metric", "segment", "value", "unit", "qualifier", "as_of", "source_id",
            "published", "locator", "kind", "conflicts_with", "repeats_obs_id"]
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
        shown = table.drop(columns=["published"]).assign(
            as_of=table["as_of"].dt.strftime("%Y-%m-%d"),
            segment=table["segment"].fillna(""),
            value=table["value"].map(lambda v: f"{v:,.10g}"),
        )
        print(shown.to_string(index=False, max_colwidth=48))
        print()
        print(evidence.summarise(ev))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from research import evidence

    print(evidence.summarise(evidence.load_evidence(args.datasets)))
    return 0


_COMMANDS = {"figures": _cmd_figures, "report": _cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except InputError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    except BrokenPipeError:
        return 0
