"""Hostile and nonsense input: each case gets one clear line, the right exit status, and
nothing written (or a correct result, for input that is odd but valid).

Table-driven: one row per case. Brand names come from third parties' spreadsheets, so the
names here are the ones a careless or hostile spreadsheet would hold.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers import BASE_PROFILE, CLI_CWD, copy_datasets, run_cli, run_main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.data.evidence import load_evidence
from research.data.profiles import profile_from_mapping
from research.errors import ProfileError

EV = load_evidence()
DAY = "2026-12-01"
BASE = BASE_PROFILE
SCRIPT = "<img src=x onerror=alert(1)>"


def _yaml(**over) -> str:
    data = json.loads(json.dumps(BASE))
    for key, value in over.items():
        if key.startswith("audience_"):
            data["audience"][key.removeprefix("audience_")] = value
        else:
            data[key] = value
    return yaml.safe_dump(data, allow_unicode=True)


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- profiles: (case, profile text, message that must appear) -----------------------------

PROFILES = {
    "zero ages": (_yaml(audience_age_min=0, audience_age_max=0), "from 6 to 100"),
    "inverted ages": (_yaml(audience_age_min=40, audience_age_max=30), "not above age_min 40"),
    "equal ages": (_yaml(audience_age_min=30, audience_age_max=30), "not above age_min 30"),
    "age 101": (_yaml(audience_age_max=101), "from 6 to 100"),
    "price 1e12": (_yaml(price_rmb=10**12), "from 0 to 10,000,000"),
    "price 1e12 as YAML": (
        _yaml().replace("price_rmb: 200", "price_rmb: 1e12"),
        "1000000000000.0 must be a number from 0 to 10,000,000",
    ),
    "price base-60": (
        _yaml().replace("price_rmb: 200", "price_rmb: 1:30"),
        "'1:30' must be a number",
    ),
    "price as text": (_yaml(price_rmb="200"), "'200' must be a number"),
    "price nan": (_yaml().replace("price_rmb: 200", "price_rmb: .nan"), "price_rmb"),
    "as_of in the future": (_yaml(as_of="2999-01-01"), "later than the analysis date"),
    "as_of before any figure": (_yaml(as_of="2016-01-01"), "before the first daily-user figure"),
    "long description": (_yaml(description="x" * 2001), "at most 2,000 characters"),
    "name too wide": (_yaml(name="N" * 161), "at most 160 fit a slide title"),
    "Chinese name too wide": (_yaml(name="花" * 81), "counts as two"),
    "name on two lines": (_yaml(name="a\nb"), "one line"),
    "bidi override in name": (_yaml(name="Evil\u202eenaL"), "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "accents stacked on a name": (_yaml(name="e" + "\u0301" * 400), "at most 320"),
    "a date that does not exist": (_yaml() + "as_of: 2019-02-30\n", "'2019-02-30' is not a date"),
    "price of 50 digits": (
        _yaml().replace("price_rmb: 200", "price_rmb: " + "9" * 50),
        "more than 40 digits",
    ),
    "empty name": (_yaml(name="  "), "non-empty text"),
    "name as a number": (_yaml(name=2048), "must be text"),
    "unknown field": (_yaml(price_rbm=200), "did you mean 'price_rmb'"),
    "unknown touch point": (_yaml(channels=["qr_code"]), "did you mean 'qr_codes'"),
    "repeated key": (_yaml() + "price_rmb: 300\n", "repeats line"),
    "python tag": (_yaml() + "x: !!python/object/apply:os.system ['echo hi']\n", "invalid YAML"),
    "alias bomb": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]\n"
            for i in range(8)
        ),
        "more than 20 aliases",
    ),
    "package 0": (_yaml(package_size_mb=0), "package_size_mb"),
    "package huge": (_yaml(package_size_mb=5000), "at most 1,000"),
    "need inverted": (_yaml(needs={"daily_users": [5000, 100]}), "low below high"),
    "need zero": (_yaml(needs={"daily_users": 0}), "needs.daily_users"),
    "need under a number key": (_yaml(needs={0: 5}), "field 'needs': key 0 is not a field name"),
    "slug with a path": (_yaml(slug="../x"), "lowercase letters"),
    "top level a list": ("- a\n- b\n", "top level must be a mapping"),
    "empty file": ("", "got nothing"),
}


@pytest.fixture(scope="module")
def profile_runs(tmp_path_factory) -> dict[str, tuple[int, str, str]]:
    folder = tmp_path_factory.mktemp("hostile-profiles")
    paths = {}
    for i, (case, (text, _)) in enumerate(PROFILES.items()):
        path = folder / f"case-{i}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[case] = path
    return {
        case: run_main(["assess", str(p), "--analysis-date", DAY, "--draws", "256"])
        for case, p in paths.items()
    }


@pytest.mark.parametrize("case", sorted(PROFILES))
def test_bad_profile_gives_one_line_and_status_2(profile_runs, case):
    code, out, err = profile_runs[case]
    assert code == 2, (case, out, err)
    assert out == ""
    line = _one_line(err)
    assert line.startswith("error: ") and "case-" in line, line
    assert PROFILES[case][1] in line, line


# --- files that are not profiles -----------------------------------------------------------


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "brand.yaml"
    os.mkfifo(fifo)
    code, _, err = run_cli(["assess", str(fifo)], timeout=20)
    assert code == 2 and "not a regular file" in _one_line(err)


def test_a_symlink_loop_is_refused(tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    code, _, err = run_cli(["assess", str(loop)])
    assert code == 2 and "cannot be read" in _one_line(err)


def test_a_very_long_path_is_refused(tmp_path):
    path = tmp_path / ("x" * 5000 + ".yaml")
    code, _, err = run_cli(["assess", str(path)])
    assert code == 2 and _one_line(err).startswith("error: ")


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(_yaml() + "description: " + "x" * 6_000_000 + "\n", encoding="utf-8")
    code, _, err = run_cli(["assess", str(path)])
    assert code == 2 and "at most 5 MB" in _one_line(err)


def test_a_latin1_profile_is_refused(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(_yaml(name="Caf\u00e9").encode("latin-1"))
    code, _, err = run_cli(["assess", str(path)])
    assert code == 2 and "not UTF-8" in _one_line(err)


# --- arguments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "2"], "256 to 1,048,576"),
        (["--draws", "10000000"], "256 to 1,048,576"),
        (["--draws", "many"], "not a whole number"),
        (["--analysis-date", "tomorrow"], "not a date"),
        (["--seed=-1"], ">= 0"),
        (["--seed", "1_0"], "'1_0' is not a whole number"),
        (["--draws", "\u0665\u0661\u0662"], "is not a whole number (digits 0-9)"),
        (["--seed", "9" * 4400], "'99999999999999999999...' is not a whole number"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(args, message):
    code, _, err = run_cli(["assess", "brands/fast-fashion.yaml", *args])
    assert code == 2 and message in _one_line(err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--analysis-date", "2018-06-01"], "after the analysis date 2018-06-01"),
        (["--analysis-date", "0001-01-01"], "after the analysis date 0001-01-01"),
        (["--datasets", ""], "--datasets: an empty path is not a folder"),
    ],
)
def test_arguments_the_data_contradicts_are_refused_in_one_line(args, message):
    code, _, err = run_main(["assess", str(CLI_CWD / "brands/fast-fashion.yaml"), *args])
    assert code == 2 and message in _one_line(err)


# --- data files ------------------------------------------------------------------------------


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DATA_CASES = {
    "latin-1 assumptions": (
        lambda d: (d / "assumptions.yaml").write_bytes(
            (d / "assumptions.yaml").read_bytes() + "# caf\u00e9\n".encode("latin-1")
        ),
        "assumptions.yaml: is not UTF-8",
    ),
    "unknown top-level key": (
        lambda d: (d / "assumptions.yaml").write_text(
            (d / "assumptions.yaml").read_text(encoding="utf-8") + "polcy: {}\n", "utf-8"
        ),
        "did you mean 'policy'",
    ),
    "policy cut-off of 5": (
        lambda d: _edit(d, "assumptions.yaml", "go_at_least: 0.", "go_at_least: 5 #"),
        "outside [0, 1]",
    ),
    "policy cut-off of -1": (
        lambda d: _edit(d, "assumptions.yaml", "no_go_below: 0.30", "no_go_below: -1"),
        "outside [0, 1]",
    ),
    "bad regex in the descriptor": (
        lambda d: _edit(d, "datapackage.json", '"pattern": "^[a-z0-9_]+$"', '"pattern": "[a-("'),
        "not a valid regular expression",
    ),
    "constraints not an object": (
        lambda d: _edit(
            d,
            "datapackage.json",
            '"constraints": {\n              "required": true,\n              "unique": true,\n              "pattern": "^[a-z0-9_]+$"\n            }',
            '"constraints": "required"',
        ),
        "'constraints' must be an object",
    ),
    "header-only observations": (
        lambda d: (d / "observations.csv").write_text(
            (d / "observations.csv").read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8"
        ),
        "observations.csv",
    ),
    "inverted unit range": (
        lambda d: _edit(d, "units.csv", "pct,%,0,100", "pct,%,100,0"),
        "units.csv: row 1 (line 2), column 'minimum': 100 is above the maximum 0",
    ),
    "observations a folder": (
        lambda d: ((d / "observations.csv").unlink(), (d / "observations.csv").mkdir()),
        "observations.csv: is not a regular file",
    ),
    "a figure from the future": (
        lambda d: _edit(d, "observations.csv", "2019-07-01", "2099-07-01"),
        "is dated 2099-07-01, after the analysis date",
    ),
    "unterminated quote": (
        lambda d: (d / "observations.csv").write_text(
            (d / "observations.csv").read_text(encoding="utf-8") + '99,"mini_program_dau\n',
            "utf-8",
        ),
        "cannot be read as CSV",
    ),
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_bad_data_file_gives_one_line_naming_it(tmp_path, case):
    data = copy_datasets(tmp_path)
    DATA_CASES[case][0](data)
    code, out, err = run_main(
        ["assess", str(CLI_CWD / "brands/fast-fashion.yaml"), "--datasets", str(data)]
    )
    assert code == 2, (case, err)
    line = _one_line(err)
    assert DATA_CASES[case][1] in line, line


# --- report: output folders ------------------------------------------------------------------


def _brand(folder: Path, stem: str, **over) -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(_yaml(**over), encoding="utf-8")
    return path


def _report(brands: list[Path], out: object, *extra: str) -> tuple[int, str, str]:
    args = ["report", *map(str, brands), "--out", str(out), "--draws", "256"]
    return run_cli([*args, "--analysis-date", DAY, *extra], timeout=240)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """One report of a script-named brand and of the widest name that passes validation
    (tests/test_deck.py fits the other widest names on every slide)."""
    folder = tmp_path_factory.mktemp("hostile-report")
    brands = [
        _brand(folder, "script", name=SCRIPT + " & Co", slug="script"),
        _brand(folder, "wide", name="\u82b1" * 40 + " " + "\u1e82" * 39 + "L" * 40, slug="wide"),
    ]
    code, _, err = _report(brands, folder / "out")
    assert code == 0, err
    return folder / "out"


def test_report_refuses_bad_output_folders_before_any_work(tmp_path):
    brand = _brand(tmp_path, "brand")
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my own page", encoding="utf-8")
    cases = [
        ("", "an empty path is not a folder"),
        (afile, "exists and is not a folder"),
        (afile / "sub", "cannot be made"),
        (mine, "did not write"),
        (Path("/proc/version/out"), "cannot be made"),
        ("~no-such-user-here/out", "the home folder of '~' cannot be found"),
        (tmp_path / "missing" / ".." / "out", "missing does not exist"),
        (tmp_path / "stray" / ("x" * 300) / "out", "longer than 255 bytes"),
    ]
    for out, message in cases:
        code, _, err = run_main(["report", str(brand), "--out", str(out), "--draws", "256"])
        assert code == 2, (out, err)
        assert message in _one_line(err), (out, err)
    assert afile.read_text(encoding="utf-8") == "mine"
    assert (mine / "index.html").read_text(encoding="utf-8") == "my own page"
    assert sorted(p.name for p in mine.iterdir()) == ["index.html"]
    assert not (tmp_path / "missing").exists() and not (tmp_path / "stray").exists()
    late = run_main(
        ["report", str(brand), "--out", str(tmp_path / "late"), "--analysis-date", "2018-06-01"]
    )
    assert late[0] == 2 and "after the analysis date" in _one_line(late[2])
    assert not (tmp_path / "late").exists()  # refused before any folder was made


@pytest.mark.parametrize("text", ["{not json", "{}"])
def test_a_broken_notebook_is_refused_in_one_line(tmp_path, text):
    path = tmp_path / "broken.ipynb"
    path.write_text(text, encoding="utf-8")
    code, _, err = run_main(["notebooks", str(path)])
    assert code == 2 and "not a valid notebook" in _one_line(err)


def test_report_escapes_a_script_name_everywhere(hostile_report):
    pages = [hostile_report / "index.html", hostile_report / "script" / "analysis.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert SCRIPT not in text and "&lt;img src=x onerror=alert(1)&gt;" in text, page
        assert "<script" not in text.lower(), page
    text = (hostile_report / "script" / "scorecard.md").read_text(encoding="utf-8")
    assert SCRIPT not in text and "&lt;img" in text


def test_report_renders_the_widest_name_that_passes_validation(hostile_report):
    from pptx import Presentation

    deck = Presentation(str(hostile_report / "wide" / "deck.pptx"))
    assert len(deck.slides) > 5
    assert "\u82b1" * 40 in (hostile_report / "index.html").read_text(encoding="utf-8")


def test_report_replaces_a_brand_whole_and_refuses_files_and_links(hostile_report, tmp_path):
    out = Path(shutil.copytree(hostile_report, tmp_path / "out", symlinks=True))
    brand = _brand(tmp_path, "script", name=SCRIPT + " & Co", slug="script")
    folder = out / "script"
    (folder / "analysis.html").write_text("old", encoding="utf-8")
    (folder / "notes.md").write_text("the user's own notes", encoding="utf-8")
    target = tmp_path / "target"
    target.mkdir()
    shutil.rmtree(folder / "charts")
    (folder / "charts").symlink_to(target)
    code, _, err = _report([brand], out)
    assert code == 0, err
    assert (folder / "analysis.html").read_text(encoding="utf-8") != "old"  # no stale page
    assert (folder / "notes.md").read_text(encoding="utf-8") == "the user's own notes"
    assert not (folder / "charts").is_symlink() and any((folder / "charts").iterdir())
    assert list(target.iterdir()) == []  # nothing went through the link
    assert not [p for p in out.iterdir() if p.name.startswith((".building-", ".retired-"))]
    assert (out / "wide" / "deck.pptx").is_file()  # other brands are kept

    shutil.rmtree(folder)
    folder.write_text("a file", encoding="utf-8")
    code, _, err = run_main(["report", str(brand), "--out", str(out), "--draws", "256"])
    assert code == 2 and "is a file where the brand's folder goes" in _one_line(err)
    folder.unlink()
    folder.symlink_to(target)
    code, _, err = run_main(["report", str(brand), "--out", str(out), "--draws", "256"])
    assert code == 2 and "symbolic link" in _one_line(err)
    assert list(target.iterdir()) == []


def test_screen_csv_cells_cannot_run_as_formulas(tmp_path):
    rows = [
        ["name", "category", "objective", "gender", "age_min", "age_max", "price_rmb", "channels"],
        ['=HYPERLINK("http://x","y")', "games", "engagement", "any", 16, 35, 30, "shared_links"],
        ["+1+1", "news", "engagement", "any", 20, 40, 10, "official_account"],
        ["@SUM(1)", "utility", "service", "any", 20, 50, 50, "qr_codes"],
        ["-2", "utility", "service", "any", 20, 50, 50, "qr_codes"],
    ]
    path = tmp_path / "brands.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    code, out, err = run_main(["screen", str(path), "--format", "csv", "--draws", "256"])
    assert code == 0, err
    table = list(csv.DictReader(io.StringIO(out)))
    names = {row["name"] for row in table}
    assert names == {"'" + str(r[0]) for r in rows[1:]}, names


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Petal\u00a0Lane", "Petal Lane"),  # a no-break space pasted from a spreadsheet
        ("Family \U0001f469\u200d\U0001f467 Store", None),  # an emoji joined by ZWJ
        ("\u200f\u0634\u0631\u0643\u0629 Petal", None),  # a right-to-left mark
    ],
)
def test_names_with_legitimate_invisible_characters_are_accepted(tmp_path, name, shown):
    path = tmp_path / "brand.yaml"
    path.write_text(_yaml(name=name), encoding="utf-8")
    code, out, err = run_main(["assess", str(path), "--draws", "256", "--format", "json"])
    assert code == 0, err
    assert json.loads(out)["brand"] == (shown or name)


def test_blank_lines_above_a_csv_header_are_skipped(tmp_path):
    """A spreadsheet's export may start with empty lines: the header is the first line
    with text, and the rows are counted from it."""
    path = tmp_path / "brands.csv"
    path.write_text(
        "\n,,\nname,category,objective,gender,age_min,age_max,price_rmb,channels\n"
        "Petal,games,engagement,any,16,35,30,shared_links\n"
        "Bad,games,engagement,any,16,35,-1,shared_links\n",
        encoding="utf-8",
    )
    code, _, err = run_main(["screen", str(path), "--draws", "256"])
    assert code == 2 and "row 2" in _one_line(err) and "price_rmb" in err, err


def test_csv_numbers_follow_the_yaml_rule(tmp_path):
    """'2_0_0' and Arabic-Indic digits are text in a CSV cell, as in YAML: refused by field."""
    for price in ("2_0_0", "\u0661\u0668"):
        path = tmp_path / "brands.csv"
        path.write_text(
            "name,category,objective,gender,age_min,age_max,price_rmb,channels\n"
            f"Petal,games,engagement,any,16,35,{price},shared_links\n",
            encoding="utf-8",
        )
        code, _, err = run_main(["screen", str(path), "--draws", "256"])
        assert code == 2 and "price_rmb" in _one_line(err), err


# --- report: signals -------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            ppid = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("PPid:")), "")
            if ppid == str(pid):
                out.add(int(entry.name))
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "status").read_text()
        except OSError:
            continue
        if "State:\tZ" not in state:
            alive.add(pid)
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("sig", "status", "times"),
    [(signal.SIGTERM, 143, 1), (signal.SIGINT, 130, 4), (signal.SIGKILL, None, 1)],
)
def test_a_stopped_report_leaves_no_worker_and_no_unfinished_file(tmp_path, sig, status, times):
    """One signal or a burst (Ctrl-C pressed again and again) stops the report cleanly; after
    a SIGKILL, which nothing can catch, the next report into the folder clears what the
    killed one left."""
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "research", "report", "--out", str(out), "--analysis-date", DAY],
        cwd=CLI_CWD,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2:
        workers |= _children(proc.pid)
        time.sleep(0.2)
    assert workers, "the report started no workers"
    time.sleep(1.5)
    for _ in range(times):
        proc.send_signal(sig)
        time.sleep(0.05)
    _, err = proc.communicate(timeout=30)
    if status is not None:
        assert proc.returncode == status, err
        assert _one_line(err).startswith(f"stopped ({signal.Signals(sig).name})")
    deadline = time.monotonic() + 5
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(workers), "workers outlived the report"
    if status is None:  # killed: the next report into the folder clears what it left
        code, _, err = _report([_brand(tmp_path, "next")], out)
        assert code == 0, err
    leftovers = [p for p in out.rglob("*") if p.name.startswith((".building-", ".retired-"))]
    assert not leftovers and not list(out.rglob("*.tmp"))


# --- properties: any profile is valid or refused in one line --------------------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**13), 10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(0, 7), max_size=4),
)


@given(
    name=st.one_of(st.text(min_size=0, max_size=200), JUNK),
    price=JUNK,
    age_min=JUNK,
    age_max=JUNK,
    tiers=JUNK,
    channels=st.one_of(JUNK, st.lists(st.sampled_from([*EV.touchpoints["touchpoint_id"], "x"]))),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_profile_is_valid_or_refused_in_one_line(
    name, price, age_min, age_max, tiers, channels
):
    data = {
        "name": name,
        "category": "games",
        "objective": "engagement",
        "audience": {"gender": "any", "age_min": age_min, "age_max": age_max, "city_tiers": tiers},
        "price_rmb": price,
        "channels": channels,
    }
    try:
        profile = profile_from_mapping(data, "generated", EV)
    except ProfileError as err:
        assert "\n" not in str(err) and str(err).startswith("generated: ")
        return
    assert 6 <= profile.audience.age_min < profile.audience.age_max <= 100
    assert 0 <= profile.price_rmb <= 1e7
