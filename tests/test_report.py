"""The main job as a new user runs it: a profile that is not in brands/, a brand name from a
careless spreadsheet, the files written and read back, a rerun byte for byte, a run that
fails half-way, and output folders the report must not write into.

One report is built for the module (one brand, few draws); the rerun and the failing run
reuse it.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pptx
import pytest
import yaml
from helpers import read_chart_series
from PIL import Image

from research import cli, clock, outputs
from research.data import profile_files
from research.data import profiles as brand
from research.data.assumptions import load_assumptions
from research.formats import format_probability
from research.present import plots
from research.present.exhibits import QUESTIONS

DAY = "2026-12-01"
DRAWS = "256"
SEED = "7"
SLUG = "tea-garden"
NAME = 'Tea Garden <script>alert(1)</script> & "Co" [x](javascript:alert(1)) =HYPERLINK("x")'
PROFILE = {
    "name": NAME,
    "category": "e-commerce",
    "objective": "sales",
    "audience": {"gender": "female", "age_min": 20, "age_max": 35, "city_tiers": [1, 2]},
    "price_rmb": 450,
    "channels": ["shared_links", "moments_ads", "qr_codes"],
    "package_size_mb": 7,
    "slug": SLUG,
}
#: A snake_case id (or p_go): never in client text outside the appendix.
CODE_NAME = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")
#: A chance written as 0% or 100%.
CERTAIN_CHANCE = re.compile(r"(?<![\d.<>])(?:0|100)% chance")


def _main(*args: str) -> tuple[int, str, str]:
    """Return ``(status, stdout, stderr)`` of ``cli.main(args)`` run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(args))
    return status, out.getvalue(), err.getvalue()


def _report(profile: Path, out: Path) -> tuple[int, str, str]:
    return _main(
        "report", str(profile), "--out", str(out), "--draws", DRAWS, "--seed", SEED,
        "--analysis-date", DAY,
    )  # fmt: skip


def _drawn(run: dict) -> dict[str, dict]:
    """Return the scorecard's charts that the report drew (PNG, deck slide), in order."""
    drawn = {p.name.removesuffix("-full.png") for p in (run["folder"] / "charts").iterdir()}
    return {k: v for k, v in run["card"]["charts"].items() if k in drawn}


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under ``folder`` (hidden ones too) by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _page_text(page: str) -> str:
    """Return what a reader sees of an HTML page: its text, without tags or the style sheet."""
    body = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module", autouse=True)
def _restore_the_analysis_date():
    """``--analysis-date`` pins the date for the process; put it back afterwards."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(clock.ENV_VAR, DAY)
        yield


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("report")
    profile = root / "tea.yaml"
    profile.write_text(yaml.safe_dump(PROFILE, allow_unicode=True), encoding="utf-8")
    out = root / "out"
    status, stdout, stderr = _report(profile, out)
    folder = out / SLUG
    card = (
        json.loads((folder / "scorecard.json").read_text(encoding="utf-8")) if status == 0 else {}
    )
    return {
        "status": status,
        "stdout": stdout,
        "stderr": stderr,
        "out": out,
        "profile": profile,
        "folder": folder,
        "card": card,
    }


def test_report_writes_every_file(run):
    assert run["status"] == 0, run["stderr"]
    folder, card = run["folder"], run["card"]
    for name in ("analysis.html", "deck.pptx", "scorecard.md", "scorecard.json", "profile.yaml"):
        assert (folder / name).stat().st_size > 0, name
    charts = sorted(p.name for p in (folder / "charts").iterdir())
    assert set(charts) <= {f"{name}-full.png" for name in card["charts"]}
    assert set(QUESTIONS) <= set(_drawn(run)), "every question of the storyline has its chart"
    with Image.open(folder / "charts" / charts[0]) as img:
        assert img.size == (pytest.approx(13.33 * 220, abs=1), pytest.approx(7.5 * 220, abs=1))
        assert img.info["dpi"][0] == pytest.approx(220, abs=0.5)
    assert (run["out"] / outputs.MARKER).is_file() and (folder / outputs.MARKER).is_file()
    leftovers = [
        p.name
        for p in run["out"].rglob("*")
        if p.name.endswith(".tmp") or p.name.startswith((".building-", ".retired-"))
    ]
    assert not leftovers
    assert run["stdout"].splitlines()[0].split()[:2] == [
        card["verdict"],
        format_probability(card["p_go"]),
    ]


def test_brand_folder_is_as_readable_as_the_output_folder(run):
    mode = stat.S_IMODE(run["out"].stat().st_mode)
    assert stat.S_IMODE(run["folder"].stat().st_mode) == mode


def test_scorecard_is_what_assess_gives_for_the_same_seed(run):
    status, out, _ = _main(
        "assess", str(run["profile"]), "--format", "json", "--draws", DRAWS, "--seed", SEED,
        "--analysis-date", DAY,
    )  # fmt: skip
    assert status == 0
    card = dict(run["card"])
    assert set(card.pop("charts")) == {
        "audience", "price", "categories", "channels", "funnel", "reach", "tornado", "research",
    }  # fmt: skip
    assert card == json.loads(out)


def test_profile_as_assessed_loads_back_to_the_same_profile(run):
    saved = profile_files.load_profile(run["folder"] / "profile.yaml")
    assert brand.profile_to_dict(saved) == run["card"]["profile"]
    assert saved.name == NAME


def test_deck_charts_are_the_scorecards_charts(run):
    prs = pptx.Presentation(str(run["folder"] / "deck.pptx"))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    slides = read_chart_series(run["folder"] / "deck.pptx")
    charts = _drawn(run)
    assert len(slides) == len(charts)
    for slide, (name, chart) in zip(slides, charts.items(), strict=True):
        assert slide["title"] == chart["title"], name
        assert slide["source"] == chart["source_line"] and slide["source"].startswith("Sources: ")
        assert list(slide["categories"]) == chart["categories"], name
        for series, values in chart["series"].items():
            assert slide["series"][series] == pytest.approx(values, abs=1e-6), (name, series)


def test_pages_and_scorecard_escape_the_brand_name(run):
    pages = {
        "index": (run["out"] / "index.html").read_text(encoding="utf-8"),
        "analysis": (run["folder"] / "analysis.html").read_text(encoding="utf-8"),
    }
    for name, page in pages.items():
        assert "<script" not in page.lower(), name
        assert "Tea Garden &lt;script&gt;alert(1)&lt;/script&gt; &amp; " in page, name
        assert NAME in _page_text(page), name  # the reader still sees the name as written
    md = (run["folder"] / "scorecard.md").read_text(encoding="utf-8")
    title = md.splitlines()[0]
    assert "<script>" not in md and "](javascript" not in md
    assert "&lt;script&gt;" in title and "\\[x\\]\\(javascript" in title


def test_analysis_page_is_self_contained_and_every_chart_says_its_message(run):
    page = (run["folder"] / "analysis.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links and not [x for x in links if re.match(r"[a-z]+:", x)], links  # nothing remote
    images = dict(re.findall(r'<img src="([^"]+)" alt="([^"]*)"', page))
    alts = sorted(html.unescape(alt) for alt in images.values())
    drawn = sorted(_drawn(run).values(), key=lambda c: c["title"])
    assert len(alts) == len(drawn)
    for alt, chart in zip(alts, drawn, strict=True):  # the chart's message, then its sources
        assert alt.startswith(chart["title"]) and chart["source_line"] in alt, alt
    text = " ".join(_page_text(page).split())
    for name, chart in run["card"]["charts"].items():  # a chart not drawn says its message
        if name not in _drawn(run):
            assert " ".join(chart["title"].split()) in text, chart["title"]
    for src in images:
        assert (run["folder"] / src).is_file(), src
    index = (run["out"] / "index.html").read_text(encoding="utf-8")
    for target in ("analysis.html", "deck.pptx", "scorecard.md", "scorecard.json"):
        assert f'href="{SLUG}/{target}"' in index


def test_index_states_the_policy_in_words(run):
    text = _page_text((run["out"] / "index.html").read_text(encoding="utf-8"))
    policy = load_assumptions().policy
    go, no_go = format_probability(policy.go_at_least), format_probability(policy.no_go_below)
    assert f"is {go} or more; NO-GO below {no_go}" in " ".join(text.split())


def test_pages_and_scorecard_hold_no_code_names_or_certain_chances(run):
    texts = {
        "index.html": _page_text((run["out"] / "index.html").read_text(encoding="utf-8")),
        "analysis.html": _page_text((run["folder"] / "analysis.html").read_text(encoding="utf-8")),
        "scorecard.md": (run["folder"] / "scorecard.md").read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        assert not CODE_NAME.search(text), (name, CODE_NAME.search(text))
        assert not CERTAIN_CHANCE.search(text), (name, CERTAIN_CHANCE.search(text))


def _slide_texts(path: Path) -> list[tuple[str, str]]:
    """Return (title, every text on the slide) of each slide of a deck, in order."""
    out = []
    for slide in pptx.Presentation(str(path)).slides:
        parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        out.append((title, " ".join(parts)))
    return out


def test_deck_holds_no_code_names_before_the_appendix(run):
    slides = _slide_texts(run["folder"] / "deck.pptx")
    titles = [t for t, _ in slides]
    assert "Appendix" in titles
    for title, text in slides[: titles.index("Appendix")]:
        assert not CODE_NAME.search(text), (title, CODE_NAME.search(text))


def test_deck_never_writes_a_certain_chance(run):
    for title, text in _slide_texts(run["folder"] / "deck.pptx"):
        assert not CERTAIN_CHANCE.search(text), (title, CERTAIN_CHANCE.search(text))


@pytest.fixture(scope="module")
def rerun(run, tmp_path_factory) -> dict[str, bytes]:
    """Every file of the same report run again into a new folder, by relative path."""
    out = tmp_path_factory.mktemp("rerun") / "out"
    # two seconds apart at least, so a time stamped into a file cannot repeat by chance
    written = (run["folder"] / "deck.pptx").stat().st_mtime
    time.sleep(max(0.0, 2.1 - (time.time() - written)))
    status, _, err = _report(run["profile"], out)
    assert status == 0, err
    return _snapshot(out)


def test_a_rerun_gives_the_same_bytes(run, rerun):
    first = _snapshot(run["out"])
    assert sorted(first) == sorted(rerun)
    for name in first:
        if not name.endswith(".pptx"):  # the deck: see the next test
            assert first[name] == rerun[name], name


def test_a_rerun_gives_the_same_deck(run, rerun):
    assert (run["folder"] / "deck.pptx").read_bytes() == rerun[f"{SLUG}/deck.pptx"]


def test_a_report_that_fails_half_way_leaves_the_previous_folder_intact(run, monkeypatch):
    before = _snapshot(run["out"])
    calls = []
    real = plots.plot_exhibit

    def fail_on_the_third_chart(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(plots, "plot_exhibit", fail_on_the_third_chart)
    with pytest.raises(RuntimeError, match="disk full"):
        _report(run["profile"], run["out"])
    assert len(calls) == 3, "the run stopped half-way through the brand's charts"
    assert _snapshot(run["out"]) == before
    assert sorted(p.name for p in run["out"].iterdir()) == sorted(
        [outputs.MARKER, "index.html", SLUG]
    )


def test_out_folder_of_someone_elses_files_is_refused_before_any_work(run, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes", encoding="utf-8")
    status, out, err = _report(run["profile"], mine)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and "--out" in err and outputs.MARKER in err
    assert _snapshot(mine) == {"notes.txt": b"my notes"}


def test_bad_profile_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(PROFILE | {"objective": "sale"}), encoding="utf-8")
    out = tmp_path / "out"
    status, _, err = _report(bad, out)
    assert status == 2
    assert len(err.splitlines()) == 1
    assert "bad.yaml" in err and "'objective'" in err and "did you mean 'sales'" in err
    assert not out.exists()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_a_browser_opens_the_page_offline(run):
    """Headless Chromium opens the analysis page from disk and renders it: the heading and
    every chart are in the page it built."""
    page = (run["folder"] / "analysis.html").as_uri()
    proc = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--run-all-compositor-stages-before-draw",
            "--dump-dom",
            page,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    dom = proc.stdout
    assert "should it build a WeChat Mini Program?" in html.unescape(dom)
    assert dom.count("<img ") == len(_drawn(run))
