"""Tests of ``python -m research assess`` and ``screen``: what a user reads and gets back.

The example brands run through the command line's own entry point (``cli.main``) in this
process, with the default draws users get; a few commands run as subprocesses, as a user
types them, for the exit status, the streams and bytes that must not depend on the process.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from helpers import run_cli

from research import cli, clock
from research.decide import assess as decision
from research.formats import format_probability, format_users
from research.paths import BRANDS_DIR
from research.present.text import SECTION_HEADINGS
from research.vocab import VERDICTS

DAY = "2026-12-01"
FAST_FASHION = "brands/fast-fashion.yaml"
EXAMPLES = sorted(p.stem for p in BRANDS_DIR.glob("*.yaml"))
#: What each example stands for (its comment block): the verdict users must read.
EXPECTED = {
    "fast-fashion": {"GO"},
    "casual-game": {"GO"},
    "o2o-store": {"GO"},
    "luxury-loyalty": {"GO", "CONDITIONAL"},
    "news-publisher": {"GO", "CONDITIONAL"},  # "a middle case"
    "luxury-direct": {"NO-GO"},
    "b2b-equipment": {"NO-GO"},
}
#: A snake_case id (or p_go): never in the words of the text or Markdown scorecard.
CODE_NAME = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")
#: A chance written as 0% or 100%.
CERTAIN_CHANCE = re.compile(r"(?<![\d.<>])(?:0|100)% chance")

VALID = {
    "name": "Test Brand",
    "category": "e-commerce",
    "objective": "sales",
    "audience": {"gender": "female", "age_min": 18, "age_max": 30},
    "price_rmb": 200,
    "channels": ["shared_links", "qr_codes"],
}


def _main(*args: str) -> tuple[int, str, str]:
    """Return ``(status, stdout, stderr)`` of ``cli.main(args)`` run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(args))
        except SystemExit as stop:  # argparse's own errors
            status = stop.code
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module", autouse=True)
def _restore_the_analysis_date():
    """``--analysis-date`` pins the date for the process; put it back afterwards."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(clock.ENV_VAR, DAY)
        yield


@pytest.fixture(scope="module")
def examples() -> dict[str, dict[str, str]]:
    """``{slug: {'text': stdout, 'json': stdout}}`` of ``assess`` on every example brand."""
    out = {}
    for slug in EXAMPLES:
        out[slug] = {}
        for fmt in ("text", "json"):
            status, stdout, stderr = _main(
                "assess", f"brands/{slug}.yaml", "--format", fmt, "--analysis-date", DAY
            )
            assert status == 0 and stderr == "", (slug, fmt, stderr)
            out[slug][fmt] = stdout
    return out


def _json(examples, slug: str) -> dict:
    return json.loads(examples[slug]["json"])


# --------------------------------------------------------------------------- the examples


def test_every_example_has_an_expected_verdict():
    assert sorted(EXPECTED) == EXAMPLES


@pytest.mark.parametrize("slug", EXAMPLES)
def test_example_gets_its_verdict_in_text_and_json(examples, slug):
    d = _json(examples, slug)
    assert d["verdict"] in EXPECTED[slug], (slug, d["p_go"])
    first = examples[slug]["text"].splitlines()[0]
    assert first == f"{d['brand']}: {d['verdict']}"


@pytest.mark.parametrize("slug", EXAMPLES)
def test_text_states_the_jsons_chance_and_the_event(examples, slug):
    d = _json(examples, slug)
    lines = examples[slug]["text"].splitlines()
    need = format_users(d["need"]["daily_users"])
    assert lines[2] == (
        f"{format_probability(d['p_go'])} chance that it wins the {need} daily users it needs "
        "and passes every gate"
    )
    assert not CERTAIN_CHANCE.search(examples[slug]["text"])


@pytest.mark.parametrize("slug", EXAMPLES)
def test_text_is_one_screen_in_client_words(examples, slug):
    text = examples[slug]["text"]
    lines = text.splitlines()
    assert len(lines) <= 40
    for heading in ("Gates:", "Why, most decisive first:", "What would change the answer:"):
        assert heading in lines
    assert "Research first:" in lines
    assert any(line.startswith("Funnel (users a day") for line in lines)
    # the data is years old on the analysis date: the warning says so once, at the top
    assert lines[4].startswith("WARNING: The newest market figure behind this verdict is from")
    assert not any(line.startswith("Market figures: the newest") for line in lines)
    assert not CODE_NAME.search(text), CODE_NAME.search(text)


@pytest.mark.parametrize(
    ("slug", "failed"), [("luxury-direct", {"price"}), ("b2b-equipment", {"package", "price"})]
)
def test_text_shows_the_gates_that_decide_a_no_go(examples, slug, failed):
    d = _json(examples, slug)
    assert {g["name"] for g in d["gates"] if not g["passed"]} == failed
    lines = examples[slug]["text"].splitlines()
    for g in d["gates"]:
        (line,) = [x for x in lines if x.startswith("  " + g["label"])]
        mark = line[2 + len(g["label"]) :].split(":", 1)[0].strip()
        assert mark == ("FAIL" if g["name"] in failed else "pass"), line
    assert examples[slug]["text"].splitlines()[1].startswith("Do not")


# --------------------------------------------------------------------------- the JSON


def test_json_uses_the_engines_defaults_and_the_analysis_date(examples):
    d = _json(examples, "fast-fashion")
    assert (d["seed"], d["draws"]) == (decision.DEFAULT_SEED, decision.DEFAULT_DRAWS)
    assert d["analysis_date"] == DAY
    assert d["profile"]["name"] == d["brand"] == "Petal Lane"
    assert 0.0 <= d["p_go"] <= 1.0 and d["p_go_event"].startswith("the brand's Mini Program")
    for reason in d["reasons"]:
        assert reason["sources"] or reason["assumptions"], reason["text"]


def test_json_is_the_same_bytes_in_another_process_and_differs_for_another_seed(examples):
    status, out, err = run_cli(["assess", FAST_FASHION, "--format", "json", "--analysis-date", DAY])
    assert status == 0, err
    assert out == examples["fast-fashion"]["json"]
    status, other, _ = _main(
        "assess", FAST_FASHION, "--format", "json", "--analysis-date", DAY, "--seed", "7"
    )
    assert status == 0 and other != out and json.loads(other)["seed"] == 7


def test_cli_defaults_are_the_engines():
    # cli.py repeats them so that building the parser does not import the engine.
    assert (cli.DEFAULT_DRAWS, cli.DEFAULT_SEED) == (decision.DEFAULT_DRAWS, decision.DEFAULT_SEED)
    args = cli.build_parser().parse_args(["assess", FAST_FASHION])
    assert (args.draws, args.seed) == (decision.DEFAULT_DRAWS, decision.DEFAULT_SEED)


# --------------------------------------------------------------------------- Markdown


def test_markdown_renders_the_scorecard():
    status, out, _ = _main("assess", FAST_FASHION, "--format", "markdown", "--analysis-date", DAY)
    assert status == 0
    assert out.startswith("# Petal Lane: GO\n")
    headings = [line[3:] for line in out.splitlines() if line.startswith("## ")]
    assert headings == list(SECTION_HEADINGS.values())
    gates = out.split("## Gates\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in gates.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 4  # header, alignment row, one row per gate
    assert len({line.count("|") for line in table}) == 1
    assert not CODE_NAME.search(out) and not CERTAIN_CHANCE.search(out)


HOSTILE_NAME = "[x](javascript:alert(1)) <script>alert(1)</script> | *Co*"


def test_markdown_escapes_a_hostile_brand_name(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(VALID | {"name": HOSTILE_NAME}), encoding="utf-8")
    status, out, err = _main("assess", str(path), "--format", "markdown", "--draws", "256")
    assert status == 0, err
    title = out.splitlines()[0]
    assert "<script>" not in out and "](javascript" not in out
    assert "&lt;script&gt;" in title and "\\[x\\]" in title and "\\|" in title
    assert "\\*Co\\*" in title


# --------------------------------------------------------------------------- screen


@pytest.fixture(scope="module")
def brand_list(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("screen") / "brands.csv"
    path.write_text(
        "name,category,objective,gender,age_min,age_max,city_tiers,price_rmb,channels\n"
        "Csv Shop,e-commerce,sales,female,18,30,1;2;3,150,shared_links;qr_codes\n"
        "Csv Heavy Industry,e-commerce,sales,male,40,60,1,30000,search_ads\n",
        encoding="utf-8",
    )
    return path


def test_screen_table_ranks_go_first_and_agrees_with_assess(examples):
    status, out, _ = _main("screen", "brands", "--analysis-date", DAY)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["slug", "verdict", "chance"]
    rows = [line.split() for line in lines[1:]]
    assert sorted(r[0] for r in rows) == EXAMPLES
    order = [VERDICTS.index(r[1]) for r in rows]
    assert order == sorted(order)
    for slug, verdict, chance, *_ in rows:
        d = _json(examples, slug)
        assert (verdict, chance) == (d["verdict"], format_probability(d["p_go"])), slug


def test_screen_reads_a_csv_a_file_and_a_folder_as_csv(brand_list):
    status, out, _ = _main(
        "screen", str(brand_list), FAST_FASHION, "brands", "--format", "csv", "--draws", "1024"
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    # fast-fashion is named twice (as a file and in the folder) and read once.
    assert sorted(r["slug"] for r in rows) == sorted([*EXAMPLES, "csv-shop", "csv-heavy-industry"])
    verdict = {r["slug"]: r["verdict"] for r in rows}
    assert verdict["csv-shop"] == "GO" and verdict["csv-heavy-industry"] == "NO-GO"
    order = [VERDICTS.index(r["verdict"]) for r in rows]
    assert order == sorted(order)
    assert all(0 <= float(r["p_go"]) <= 1 for r in rows)


def test_screen_json_agrees_with_assess(examples, brand_list):
    status, out, _ = _main("screen", str(brand_list), FAST_FASHION, "--format", "json")
    assert status == 0
    by_slug = {r["slug"]: r for r in json.loads(out)}
    assert set(by_slug) == {"csv-shop", "csv-heavy-industry", "fast-fashion"}
    assessed = _json(examples, "fast-fashion")
    assert by_slug["fast-fashion"]["p_go"] == assessed["p_go"]
    assert by_slug["fast-fashion"]["verdict"] == assessed["verdict"]


def test_screen_csv_quotes_names_a_spreadsheet_would_run(tmp_path):
    names = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(1)", "Plain Name"]
    path = tmp_path / "names.csv"
    lines = ["name,category,objective,gender,age_min,age_max,price_rmb,channels"]
    lines += [f'"{n.replace(chr(34), chr(34) * 2)}",news,engagement,any,20,40,10,shared_links'
              for n in names]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = _main("screen", str(path), "--format", "csv", "--draws", "256")
    assert status == 0
    shown = sorted(r["name"] for r in csv.DictReader(io.StringIO(out)))
    assert shown == sorted(n if n == "Plain Name" else "'" + n for n in names)


# --------------------------------------------------------------------------- bad input

#: case -> (profile changes, words the one line must hold besides the file name)
BAD_FIELDS = {
    "typo-of-a-required-field": (
        {"price_rmb": None, "price_rbm": 200},
        ["field 'price_rbm' is not allowed", "did you mean 'price_rmb'"],
    ),
    "unknown-objective": ({"objective": "sale"}, ["field 'objective'", "did you mean 'sales'"]),
    "age-below-6": ({"audience": {**VALID["audience"], "age_min": 5}}, ["'audience.age_min'"]),
    "need-range-inverted": (
        {"needs": {"daily_users": [5000, 100]}},
        ["'needs.daily_users'", "low below high"],
    ),
    "as-of-after-the-analysis-date": (
        {"as_of": "2026-12-02"},
        ["'as_of'", "later than the analysis date 2026-12-01"],
    ),
    "name-too-wide": ({"name": "W" * 161}, ["'name'", "at most 160"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_bad_field_gives_one_line_naming_the_file_and_field(tmp_path, case):
    changes, words = BAD_FIELDS[case]
    data = {k: v for k, v in (VALID | changes).items() if v is not None}
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    status, out, err = _main("assess", str(path), "--analysis-date", DAY)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.endswith("\n") and len(err.splitlines()) == 1, err
    assert f"{case}.yaml" in err
    for word in words:
        assert word in err, err


def test_bad_csv_row_exits_2_with_one_line_naming_file_row_and_field(tmp_path):
    path = tmp_path / "my-brands.csv"
    path.write_text(
        "name,category,objective,gender,age_min,age_max,price_rmb,channels,needs_daily_users\n"
        "Good,games,engagement,any,16,35,30,shared_links,\n"
        "Bad,games,engagement,any,16,35,30,shared_links,5000;100\n",
        encoding="utf-8",
    )
    status, out, err = run_cli(["screen", str(path), "--draws", "256"])
    assert status == 2 and out == ""
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert "my-brands.csv row 2: field 'needs.daily_users'" in err


def test_the_data_age_warning_follows_the_policy_in_the_assumptions_file(tmp_path):
    """Every output warns when the newest figure is older than ``policy.data``'s age; the
    age is the assumptions file's, not the code's."""
    from helpers import CLI_CWD, copy_datasets, run_main

    data = copy_datasets(tmp_path)
    args = ["assess", str(CLI_CWD / "brands" / "fast-fashion.yaml"), "--draws", "256"]
    args += ["--analysis-date", "2026-12-01", "--datasets", str(data)]
    code, out, err = run_main(args)
    assert code == 0, err
    assert "WARNING: The newest market figure" in out
    path = data / "assumptions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("warn_after_years: 2 ", "warn_after_years: 10 "), "utf-8")
    code, out, err = run_main(args)
    assert code == 0, err
    assert "WARNING" not in out and "Market figures: the newest is from about September 2019" in out
    path.write_text(text.replace("warn_after_years: 2 ", "warn_after_years: -1 "), "utf-8")
    code, _, err = run_main(args)
    assert code == 2 and "warn_after_years" in err and err.count("\n") == 1
