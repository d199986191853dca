"""The curated notebooks: their shape (question, parameters, thin code, Sources), that their
stored charts are current, and that papermill runs them for a brand not in brands/ (strict
nbval, run by ``make test``, reruns every notebook and compares its text outputs)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import nbformat
import pytest
import yaml
from helpers import parameters_of, run_main, scorecard_of

from research import cli, notebooks
from research.data.evidence import load_evidence
from research.decide import assess as decision
from research.errors import ProfileError
from research.paths import NOTEBOOKS_DIR, ROOT
from research.present import memo

DAY = "2026-12-01"

PATHS = notebooks.notebook_paths()
NAMES = [p.stem for p in PATHS]
EXPECTED = [
    "00-start-here",
    "01-market-overview",
    "02-audience",
    "03-spend-and-price-fit",
    "04-categories-and-engagement",
    "05-access-points-and-traffic",
    "06-go-no-go",
    "07-portfolio",
]
PROFILE = {
    "name": "Harbour Bikes Test",
    "category": "utility",
    "objective": "service",
    "audience": {"gender": "any", "age_min": 25, "age_max": 45, "city_tiers": [1, 2, 3]},
    "price_rmb": 120,
    "channels": ["shared_links", "qr_codes", "search_ads"],
}


def _read(path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_curated_notebooks_are_all_there():
    assert NAMES == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=NAMES)
def test_notebook_opens_with_its_question_then_parameters(path):
    nb = _read(path)
    first, second = nb.cells[0], nb.cells[1]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "?" in first.source.splitlines()[0], "the title states the question"
    assert second.cell_type == "code"
    assert second.metadata.get("tags") == ["parameters"]
    # The answer is the first output after the parameters.
    answer = _code(nb)[1].outputs[-1]["data"]["text/markdown"]
    assert answer.startswith("**Answer.** ") or answer.startswith("**Answer.**")


@pytest.mark.parametrize("path", PATHS, ids=NAMES)
def test_parameters_are_plain_values_with_the_engine_defaults(path):
    nb = _read(path)
    values = parameters_of(nb)
    tree = ast.parse(nb.cells[1].source)
    for node in tree.body:
        assert isinstance(node, ast.Assign), ast.dump(node)
        ast.literal_eval(node.value)  # plain literals only
    if "seed" in values:
        assert values["seed"] == decision.DEFAULT_SEED
        assert values["draws"] == decision.DEFAULT_DRAWS
    if "profile_path" in values:
        assert (NOTEBOOKS_DIR / values["profile_path"]).is_file()
        assert set(values) == set(notebooks.PARAMETERS)


@pytest.mark.parametrize("path", PATHS, ids=NAMES)
def test_notebook_is_thin_and_types_no_figures(path):
    """No functions, classes, lambdas, loops or numbers of its own outside the parameters."""
    for cell in _code(_read(path))[1:]:
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(
                node,
                ast.FunctionDef | ast.ClassDef | ast.Lambda | ast.For | ast.While | ast.ListComp,
            ), cell.source
            if isinstance(node, ast.Constant):
                assert not isinstance(node.value, int | float) or isinstance(node.value, bool), (
                    f"number {node.value!r} typed in: {cell.source}"
                )


def _article_numbers() -> set[float]:
    """Return every number the data holds: observation values and numbers in segment ids."""
    obs = load_evidence().observations
    numbers = {float(v) for v in obs["value"]}
    for segment in obs["segment"].dropna():
        numbers |= {float(x) for x in re.findall(r"\d+(?:\.\d+)?", str(segment))}
    return numbers


@pytest.mark.parametrize("path", PATHS, ids=NAMES)
def test_narrative_types_no_figure_from_the_articles(path):
    """Markdown may explain, but figures come from outputs: no article number in the text."""
    numbers = _article_numbers()
    for cell in _read(path).cells:
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"`[^`]*`", "", cell.source)  # code spans: file and notebook names
        text = re.sub(r"(?m)^(#+ \d+|\s*\d+\.)\s", "", text)  # heading and list numbers
        text = re.sub(r"\bp\d+\b", "", text)  # quantile names p5, p95
        for found in re.findall(r"\d[\d,]*(?:\.\d+)?", text):
            assert float(found.replace(",", "")) not in numbers, f"{found!r} typed in: {text}"


@pytest.mark.parametrize("path", PATHS, ids=NAMES)
def test_notebook_closes_with_sources_and_is_stored_executed(path):
    nb = _read(path)
    body = [c for c in nb.cells if "machine-readable" not in c.metadata.get("tags", [])]
    last = body[-1]
    assert last.cell_type == "code" and "sources" in last.source
    assert last.outputs[0]["data"]["text/markdown"].startswith("### Sources")
    counts = [c.execution_count for c in _code(nb)]
    assert counts == list(range(1, len(counts) + 1)), "run top to bottom in one session"
    for cell in _code(nb):
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
            assert out.get("name") != "stderr", out.get("text")


def _images(nb) -> list[str]:
    return [
        out["data"]["image/png"]
        for cell in _code(nb)
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    ]


def test_stored_charts_are_the_charts_a_rerun_draws():
    """nbval compares text only; a stale chart would pass it. The market notebook's stored
    PNGs (charts of the articles' own figures) must equal a fresh run's, byte for byte."""
    path = NOTEBOOKS_DIR / "01-market-overview.ipynb"
    stored = _read(path)
    fresh = notebooks.execute(_read(path), path.parent)
    assert _images(stored), "the market notebook shows charts"
    assert _images(fresh) == _images(stored)


@pytest.fixture(scope="module")
def papermill_run(tmp_path_factory) -> tuple[dict, nbformat.NotebookNode]:
    """The README's papermill command for a profile that is not in brands/."""
    folder = tmp_path_factory.mktemp("papermill")
    profile = folder / "harbour.yaml"
    profile.write_text(yaml.safe_dump(PROFILE), encoding="utf-8")
    out = folder / "harbour.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(NOTEBOOKS_DIR / "06-go-no-go.ipynb"), str(out)]
    cmd += ["-p", "profile_path", str(profile), "-p", "draws", "1024", "-p", "seed", "11"]
    cmd += ["-p", "analysis_date", DAY, "--cwd", str(NOTEBOOKS_DIR), "--no-progress-bar"]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, timeout=300)
    code, text, err = run_main(
        [
            "assess",
            str(profile),
            "--format",
            "json",
            "--draws",
            "1024",
            "--seed",
            "11",
            "--analysis-date",
            DAY,
        ]
    )
    assert code == 0, err
    return json.loads(text), _read(out)


def test_papermill_run_for_a_new_brand_gives_the_assess_json(papermill_run):
    assessed, nb = papermill_run
    assert scorecard_of(nb) == assessed


def test_papermill_run_answers_first_with_the_verdict_and_the_brand(papermill_run):
    assessed, nb = papermill_run
    markdown = [
        out["data"]["text/markdown"]
        for cell in _code(nb)
        for out in cell.outputs
        if "text/markdown" in out.get("data", {})
    ]
    answer = markdown[0]
    assert answer.startswith("**Answer.**")
    assert assessed["verdict"] in answer and PROFILE["name"] in answer


def test_papermill_run_shows_every_section_without_error(papermill_run):
    _, nb = papermill_run
    for cell in _code(nb):
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
    assert len(_images(nb)) >= 4, "funnel, reach, research-first and tornado charts"


def test_notebooks_command_refuses_a_path_that_is_not_a_notebook(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello", encoding="utf-8")
    assert cli.main(["notebooks", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "notes.txt" in err and ".ipynb" in err


def test_as_of_parameter_is_validated_like_the_profile(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump(PROFILE), encoding="utf-8")
    assert str(memo.load_brand(profile, "2019-07-01").as_of) == "2019-07-01"
    with pytest.raises(ProfileError, match="as_of"):
        memo.load_brand(profile, "next spring")


def test_bad_profile_stops_the_papermill_run_naming_the_field(tmp_path):
    """A bad profile stops the notebook at its first cell with the CLI's message."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(PROFILE | {"category": "ecommerce"}), encoding="utf-8")
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(NOTEBOOKS_DIR / "06-go-no-go.ipynb"),
            str(tmp_path / "bad.ipynb"),
            parameters={"profile_path": str(bad), "draws": 256, "analysis_date": DAY},
            cwd=str(NOTEBOOKS_DIR),
            progress_bar=False,
        )
    assert info.value.ename == "ProfileError"
    assert "category" in info.value.evalue and "did you mean 'e-commerce'" in info.value.evalue
    assert (tmp_path / "bad.ipynb").is_file(), "papermill keeps the notebook to show the error"
