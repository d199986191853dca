"""Tests of ``python -m research assess`` and ``screen`` as a user runs them (subprocesses).

Every command runs once, concurrently, in a module fixture; the tests read the results.
"""

from __future__ import annotations

import csv
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers import run_cli

from research import cli
from research.data import profile_files
from research.data.evidence import load_evidence
from research.decide import assess as decision
from research.errors import ProfileError
from research.paths import BRANDS_DIR
from research.vocab import CRITERIA

FAST_FASHION = "brands/fast-fashion.yaml"
EXAMPLE_SLUGS = sorted(p.stem for p in BRANDS_DIR.glob("*.yaml"))

VALID = {
    "name": "Test Brand",
    "category": "e-commerce",
    "objective": "sales",
    "audience": {"gender": "female", "age_min": 18, "age_max": 30},
    "price_rmb": 200,
    "channels": ["shared_links", "qr_codes"],
}

CSV_TEXT = (
    "name,category,objective,gender,age_min,age_max,city_tiers,price_rmb,channels\n"
    "Csv Shop,e-commerce,sales,female,18,30,1;2;3,150,shared_links;qr_codes\n"
    "Csv Heavy Industry,e-commerce,sales,male,40,60,1,30000,search_ads\n"
)


def _with(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(VALID))
    for key, value in changes.items():
        if key.startswith("audience."):
            data["audience"][key.split(".", 1)[1]] = value
        else:
            data[key] = value
    return data


#: name -> (file content (text or mapping; None = no file), extra arguments, words the
#: one-line error must hold besides the file name).
BAD_PROFILES = {
    "missing-file": (None, [], ["file not found"]),
    "invalid-yaml": ("name: [unclosed\nprice_rmb: 3\n", [], ["invalid YAML", "line"]),
    "top-level-list": ("- name\n- price_rmb\n", [], ["top level", "mapping", "a list"]),
    "missing-field": (
        {k: v for k, v in VALID.items() if k != "price_rmb"},
        [],
        ["'price_rmb'", "required"],
    ),
    "unknown-field-typo": (
        {**VALID, "package_sise_mb": 3},
        [],
        ["'package_sise_mb'", "did you mean 'package_size_mb'"],
    ),
    "unknown-category": (_with(category="ecommerce"), [], ["'category'", "'e-commerce'"]),
    "unknown-objective": (_with(objective="sale"), [], ["'objective'", "did you mean 'sales'"]),
    "unknown-gender": (
        _with(**{"audience.gender": "femal"}),
        [],
        ["'audience.gender'", "did you mean 'female'"],
    ),
    "unknown-channel": (
        _with(channels=["shared_link"]),
        [],
        ["'channels'", "did you mean 'shared_links'"],
    ),
    "negative-price": (_with(price_rmb=-5), [], ["'price_rmb'", "-5", "from 0 to 10,000,000"]),
    "text-price": (_with(price_rmb="cheap"), [], ["'price_rmb'", "'cheap'", "number"]),
    "inverted-ages": (
        _with(**{"audience.age_min": 40, "audience.age_max": 30}),
        [],
        ["'audience.age_max'", "inverted"],
    ),
    "age-over-100": (_with(**{"audience.age_max": 130}), [], ["'audience.age_max'", "130"]),
    "age-below-0": (_with(**{"audience.age_min": -1}), [], ["'audience.age_min'", "-1"]),
}
#: name -> (arguments after ``assess``, words the one-line error must hold).
BAD_ARGUMENTS = {
    "draws-text": ([FAST_FASHION, "--draws", "abc"], ["--draws", "'abc'"]),
    "draws-one": ([FAST_FASHION, "--draws", "1"], ["--draws", "1"]),
    "format-unknown": ([FAST_FASHION, "--format", "xml"], ["--format", "'xml'"]),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder holding the bad profiles and a CSV of two brands."""
    root = tmp_path_factory.mktemp("cli_assess")
    for name, (content, _, _) in BAD_PROFILES.items():
        if content is None:
            continue
        text = content if isinstance(content, str) else yaml.safe_dump(content)
        (root / f"{name}.yaml").write_text(text, encoding="utf-8")
    (root / "brands.csv").write_text(CSV_TEXT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def runs(folder) -> dict[str, tuple[int, str, str]]:
    """Every command of this module, run concurrently: name -> (status, stdout, stderr)."""
    csv_path = str(folder / "brands.csv")
    commands = {
        "json": ["assess", FAST_FASHION, "--format", "json"],
        "json-again": ["assess", FAST_FASHION, "--format", "json"],
        "json-seed": ["assess", FAST_FASHION, "--format", "json", "--seed", "7"],
        "text": ["assess", FAST_FASHION],
        "markdown": ["assess", FAST_FASHION, "--format", "markdown"],
        "screen": ["screen", "brands"],
        "screen-mix-csv": ["screen", csv_path, FAST_FASHION, "brands", "--format", "csv"],
        "screen-json": ["screen", csv_path, FAST_FASHION, "--format", "json"],
    }
    for name, (_, extra, _) in BAD_PROFILES.items():
        commands[name] = ["assess", str(folder / f"{name}.yaml"), *extra]
    for name, (args, _) in BAD_ARGUMENTS.items():
        commands[name] = ["assess", *args]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(run_cli, args, 180) for name, args in commands.items()}
        return {name: f.result() for name, f in futures.items()}


def _ok(runs, name: str) -> str:
    status, out, err = runs[name]
    assert status == 0, err
    assert "Traceback" not in err
    return out


# --------------------------------------------------------------------------- assess --format json


def test_json_has_the_documented_keys(runs):
    d = json.loads(_ok(runs, "json"))
    assert {
        "brand",
        "verdict",
        "p_go",
        "seed",
        "draws",
        "criteria",
        "funnel",
        "sensitivity",
        "assumptions",
    } <= set(d)
    assert d["brand"] == "Petal Lane"
    assert d["verdict"] == "GO"
    assert d["seed"] == decision.DEFAULT_SEED
    assert d["draws"] == decision.DEFAULT_DRAWS
    assert 0 <= d["p_go"] <= 1
    for c in d["criteria"]:
        assert {"name", "score", "weight", "threshold", "passed", "reason", "sources"} <= set(c)
        assert isinstance(c["passed"], bool) and isinstance(c["sources"], list)
    for s in d["funnel"]:
        assert {"stage", "p5", "p50", "p95", "unit", "basis"} <= set(s)
        assert s["basis"] in {"sourced", "assumed"}
        assert s["p5"] <= s["p50"] <= s["p95"]
    assert d["sensitivity"], "sensitivity is part of every answer"
    for s in d["sensitivity"]:
        assert {"input", "low", "high", "swing"} <= set(s)
        assert s["swing"] == pytest.approx(abs(s["high"] - s["low"]), abs=2e-4)
    swings = [s["swing"] for s in d["sensitivity"]]
    assert swings == sorted(swings, reverse=True), "largest swing first"
    assert d["assumptions"] and all("name" in a and "rationale" in a for a in d["assumptions"])


def test_json_criteria_weights_sum_to_one_and_reasons_cite(runs):
    d = json.loads(_ok(runs, "json"))
    assert [c["name"] for c in d["criteria"]] == list(CRITERIA)
    assert sum(c["weight"] for c in d["criteria"]) == pytest.approx(1.0, abs=1e-3)
    reasons = [c["reason"] for c in d["criteria"]] + d["reasons"]
    for reason in reasons:
        assert re.search(r"\d", reason), reason
        assert "Sources:" in reason or "Assumed:" in reason, reason


def test_json_p_go_is_the_share_of_score_draws_at_or_above_the_bar(runs):
    d = json.loads(_ok(runs, "json"))
    ev = load_evidence()
    profile = profile_files.load_profile(BRANDS_DIR / "fast-fashion.yaml", ev)
    result = decision.assess(profile, ev=ev, draws=d["draws"], seed=d["seed"])
    share = float(np.mean(result.score_draws >= d["bar"]))
    assert d["p_go"] == round(share, 4)
    assert d["score"]["p50"] == round(float(np.median(result.score_draws)), 4)


def test_json_is_byte_identical_for_the_same_seed_and_differs_for_another(runs):
    first, again, other = (_ok(runs, n) for n in ("json", "json-again", "json-seed"))
    assert first == again
    assert first != other
    assert json.loads(other)["seed"] == 7


# --------------------------------------------------------------------------- text and markdown


def test_text_is_one_screen(runs):
    out = _ok(runs, "text")
    lines = out.splitlines()
    assert len(lines) <= 40
    assert lines[0].startswith("Petal Lane: GO")
    assert "p_go" in lines[0]
    for label in ("Audience fit", "Price fit", "Feasibility (10 MB limit)", "Funnel", "Break-even"):
        assert label in out


def test_markdown_renders_the_scorecard(runs):
    out = _ok(runs, "markdown")
    assert out.startswith("# Petal Lane: GO\n")
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    for heading in ("Scorecard", "Reasons", "Sensitivity", "Assumptions", "Sources"):
        assert any(h.startswith(f"## {heading}") for h in headings), headings
    scorecard = out.split("## Scorecard\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in scorecard.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 6  # header, alignment row, one row per criterion
    assert len({line.count("|") for line in table}) == 1
    assert any(line.startswith("| Price fit | 0.") for line in table)


# --------------------------------------------------------------------------- screen


def test_screen_table_ranks_go_first(runs):
    lines = _ok(runs, "screen").splitlines()
    assert lines[0].split()[:3] == ["slug", "verdict", "p_go"]
    rows = [line.split() for line in lines[1:]]
    assert sorted(r[0] for r in rows) == EXAMPLE_SLUGS
    verdicts = [r[1] for r in rows]
    assert verdicts[0] == "GO"
    assert [decision.VERDICTS.index(v) for v in verdicts] == sorted(
        decision.VERDICTS.index(v) for v in verdicts
    )
    assert verdicts[-2:] == ["NO-GO", "NO-GO"]


def test_screen_reads_a_csv_a_file_and_a_folder_as_csv(runs):
    rows = list(csv.DictReader(io.StringIO(_ok(runs, "screen-mix-csv"))))
    slugs = [r["slug"] for r in rows]
    # fast-fashion is named twice (as a file and in the folder) and read once.
    assert sorted(slugs) == sorted([*EXAMPLE_SLUGS, "csv-shop", "csv-heavy-industry"])
    verdict = {r["slug"]: r["verdict"] for r in rows}
    assert verdict["csv-shop"] == "GO" and verdict["csv-heavy-industry"] == "NO-GO"
    order = [decision.VERDICTS.index(r["verdict"]) for r in rows]
    assert order == sorted(order)
    for r in rows:
        assert 0 <= float(r["p_go"]) <= 1


def test_screen_json_parses_and_agrees_with_assess(runs):
    records = json.loads(_ok(runs, "screen-json"))
    assert [r["slug"] for r in records][:1] != ["csv-heavy-industry"]
    by_slug = {r["slug"]: r for r in records}
    assert set(by_slug) == {"csv-shop", "csv-heavy-industry", "fast-fashion"}
    assessed = json.loads(_ok(runs, "json"))
    assert by_slug["fast-fashion"]["p_go"] == assessed["p_go"]
    assert by_slug["fast-fashion"]["verdict"] == assessed["verdict"]


# --------------------------------------------------------------------------- bad input


def _one_line_error(runs, name: str) -> str:
    status, out, err = runs[name]
    assert status == 2, (status, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""
    assert err.endswith("\n") and len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    return err


@pytest.mark.parametrize("name", sorted(BAD_PROFILES))
def test_bad_profile_gives_one_line_naming_the_file_and_field(runs, name):
    err = _one_line_error(runs, name)
    assert f"{name}.yaml" in err
    for word in BAD_PROFILES[name][2]:
        assert word in err, err


@pytest.mark.parametrize("name", sorted(BAD_ARGUMENTS))
def test_bad_argument_gives_one_line_naming_it(runs, name):
    err = _one_line_error(runs, name)
    for word in BAD_ARGUMENTS[name][1]:
        assert word in err, err


def test_cli_defaults_are_the_engines():
    # cli.py repeats them so that building the parser does not import the engine.
    assert (cli.DEFAULT_DRAWS, cli.DEFAULT_SEED) == (decision.DEFAULT_DRAWS, decision.DEFAULT_SEED)
    args = cli.build_parser().parse_args(["assess", FAST_FASHION])
    assert (args.draws, args.seed) == (decision.DEFAULT_DRAWS, decision.DEFAULT_SEED)


def test_typo_of_a_required_field_is_named_with_a_suggestion(tmp_path):
    path = tmp_path / "typo.yaml"
    data = {k: v for k, v in VALID.items() if k != "price_rmb"} | {"price_rbm": 200}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        profile_files.load_profile(path)
    assert "'price_rbm'" in str(err.value) and "did you mean 'price_rmb'" in str(err.value)
