"""The main job as a new user runs it: a profile that is not in brands/, the files written,
the deck opened again, and bad input that must leave nothing behind."""

from __future__ import annotations

import json

import nbformat
import pptx
import pytest
import yaml
from helpers import read_chart_series, scorecard_of
from pptx.oxml.ns import qn

from research import cli
from research.data import profile_files
from research.data import profiles as brand
from research.data.assumptions import load_assumptions
from research.paths import BRANDS_DIR
from research.present.exhibits import BUILDERS

DRAWS = "512"
SEED = "7"
PROFILE = {
    "name": "Tea Garden Test Co.",
    "category": "e-commerce",
    "objective": "sales",
    "audience": {"gender": "female", "age_min": 20, "age_max": 35, "city_tiers": [1, 2]},
    "price_rmb": 450,
    "channels": ["shared_links", "moments_ads", "qr_codes"],
    "package_size_mb": 7,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("report")
    profile = root / "tea.yaml"
    profile.write_text(yaml.safe_dump(PROFILE), encoding="utf-8")
    out = root / "out"
    status = cli.main(["report", str(profile), "--out", str(out), "--draws", DRAWS, "--seed", SEED])
    return {"status": status, "out": out, "profile": profile, "folder": out / "tea-garden-test-co"}


def test_report_writes_every_file(run):
    assert run["status"] == 0
    folder = run["folder"]
    for name in ("scorecard.json", "scorecard.md", "deck.pptx"):
        assert (folder / name).stat().st_size > 0
    for exhibit in BUILDERS:
        for size in ("full", "half"):
            for fmt in ("png", "svg"):
                assert (folder / "charts" / f"{exhibit}-{size}.{fmt}").is_file()
    assert not [p for p in run["out"].rglob("*") if p.name.endswith(".tmp")]


def test_scorecard_matches_assess_for_the_same_seed(run, capsys):
    card = json.loads((run["folder"] / "scorecard.json").read_text(encoding="utf-8"))
    capsys.readouterr()
    assert (
        cli.main(
            ["assess", str(run["profile"]), "--format", "json", "--draws", DRAWS, "--seed", SEED]
        )
        == 0
    )
    assessed = json.loads(capsys.readouterr().out)
    assert card["verdict"] == assessed["verdict"]
    assert card["p_go"] == assessed["p_go"]
    assert card["criteria"] == assessed["criteria"]


def test_deck_reopens_at_16_9_with_titles_and_source_footnotes(run):
    prs = pptx.Presentation(str(run["folder"] / "deck.pptx"))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    card = json.loads((run["folder"] / "scorecard.json").read_text(encoding="utf-8"))
    slides = read_chart_series(run["folder"] / "deck.pptx")
    assert len(slides) == len(card["charts"])
    for slide, (name, chart) in zip(slides, card["charts"].items(), strict=True):
        assert slide["title"] == chart["title"], name
        assert slide["source"] == chart["source_line"], name
        assert slide["source"].startswith("Sources: ")


def test_native_charts_hold_the_scorecard_numbers(run):
    card = json.loads((run["folder"] / "scorecard.json").read_text(encoding="utf-8"))
    slides = read_chart_series(run["folder"] / "deck.pptx")
    native = 0
    for slide, (name, chart) in zip(slides, card["charts"].items(), strict=True):
        if chart["kind"] == "image":
            assert slide["series"] == {}, name
            continue
        native += 1
        assert list(slide["categories"]) == chart["categories"], name
        for series, values in slide["series"].items():
            assert values == pytest.approx(chart["series"][series], abs=1e-6), (name, series)
    assert native >= 5
    scorecard = card["charts"]["scorecard"]["series"]
    assert scorecard["score"] == pytest.approx([c["score"] for c in card["criteria"]], abs=1e-4)


def test_index_ranks_the_brand_and_states_the_policy(run):
    page = (run["out"] / "index.html").read_text(encoding="utf-8")
    policy = load_assumptions().policy
    assert "Tea Garden Test Co." in page
    assert 'href="tea-garden-test-co/deck.pptx"' in page
    assert f"{policy.go_at_least:.0%}" in page and f"{policy.no_go_below:.0%}" in page


def test_bad_profile_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(PROFILE | {"objective": "sale"}), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["report", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "bad.yaml" in err and "'objective'" in err and "did you mean 'sales'" in err
    assert not out.exists()


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("keep me", encoding="utf-8")
    assert cli.main(["report", str(BRANDS_DIR / "fast-fashion.yaml"), "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"


def test_funnel_slide_uses_a_log_axis_and_whole_users(run):
    card = json.loads((run["folder"] / "scorecard.json").read_text(encoding="utf-8"))
    funnel = card["charts"]["funnel"]
    assert funnel["log_scale"] is True
    assert min(v for s in funnel["series"].values() for v in s) >= 1.0
    assert funnel["series"]["median"] == pytest.approx(
        [max(s["p50"], 1) for s in card["funnel"]], rel=1e-6
    )
    prs = pptx.Presentation(str(run["folder"] / "deck.pptx"))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    slide = prs.slides[titles.index(funnel["title"])]
    chart = next(s.chart for s in slide.shapes if getattr(s, "has_chart", False))
    assert chart.value_axis._element.find(qn("c:scaling")).find(qn("c:logBase")).get("val") == "10"


def test_report_publishes_the_go_no_go_analysis(run):
    """papermill ran 06-go-no-go on the brand; its result equals scorecard.json; the HTML hides
    the code and is linked from index.html."""
    folder = run["folder"]
    card = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    card.pop("charts")
    nb = nbformat.read(folder / "analysis.ipynb", as_version=4)
    assert scorecard_of(nb) == card
    saved = profile_files.load_profile(folder / "profile.yaml")
    assert brand.profile_to_dict(saved) == card["profile"]
    html = (folder / "analysis.html").read_text(encoding="utf-8")
    assert "Tea Garden Test Co." in html and f"<strong>{card['verdict']}</strong>" in html
    assert "memo.analyse" not in html and "<img" in html
    page = (run["out"] / "index.html").read_text(encoding="utf-8")
    assert 'href="tea-garden-test-co/analysis.html"' in page


def test_no_notebooks_skips_the_analysis(tmp_path):
    out = tmp_path / "out"
    profile = BRANDS_DIR / "fast-fashion.yaml"
    assert (
        cli.main(["report", str(profile), "--out", str(out), "--draws", DRAWS, "--no-notebooks"])
        == 0
    )
    folder = out / "fast-fashion"
    assert (folder / "deck.pptx").is_file()
    assert not (folder / "analysis.html").exists()
    assert "analysis.html" not in (out / "index.html").read_text(encoding="utf-8")


def test_index_escapes_brand_names_and_links(tmp_path, ev):
    """A brand name is data from a third party: the page's template escapes it."""
    from research.decide.assess import assess
    from research.present.html import render_index

    name = 'Tea <script>alert("x")</script> & Co'
    profile = brand.profile_from_mapping(PROFILE | {"name": name}, "test profile", ev)
    a = load_assumptions(ev.datasets_dir)
    r = assess(profile, ev=ev, a=a, draws=64, seed=1)
    folder = tmp_path / "a&b"
    files = {k: folder / f for k, f in (("md", "s.md"), ("json", "s.json"), ("deck", "d.pptx"))}
    page = render_index([(r, files | {"charts": folder / "charts"})], tmp_path, a.policy)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; Co" in page
    assert 'href="a&amp;b/d.pptx"' in page and 'href="a&amp;b/charts/"' in page
    assert "analysis" not in page
