"""Tests of research.data.profiles: profiles load, defaults hold, bad input gives one-line errors."""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from research import outputs
from research.data.evidence import load_evidence
from research.data.names import NAME_MAX_WIDTH, display_width
from research.data.profile_files import CSV_REQUIRED_COLUMNS, load_profile, load_profiles
from research.data.profiles import (
    AGE_RANGE,
    DESCRIPTION_MAX_CHARS,
    PACKAGE_MAX_MB,
    PRICE_MAX_RMB,
    SLUG_PATTERN,
    BrandProfile,
    profile_from_mapping,
    profile_to_dict,
)
from research.errors import InputError, ProfileError
from research.paths import BRANDS_DIR, slugify
from research.vocab import CATEGORIES, GENDERS, OBJECTIVES
from research.vocab import TIERS as CITY_TIERS

EV = load_evidence()
TOUCHPOINTS = list(EV.touchpoints["touchpoint_id"])
EXAMPLES = sorted(BRANDS_DIR.glob("*.yaml"))
FAST = settings(max_examples=200, deadline=None)

VALID = {
    "name": "Petal Lane",
    "category": "e-commerce",
    "objective": "sales",
    "audience": {"gender": "female", "age_min": 18, "age_max": 30},
    "price_rmb": 200,
    "channels": ["shared_links", "qr_codes"],
}


def _copy(data):
    return yaml.safe_load(yaml.safe_dump(data))


def _write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    """Return the one-line message of the ProfileError that loading ``path`` raises."""
    with pytest.raises(ProfileError) as info:
        load_profile(path, EV)
    message = str(info.value)
    assert len(message.splitlines()) == 1, message
    assert path.name in message
    return message


def _with(**changes):
    data = _copy(VALID)
    for key, value in changes.items():
        if key.startswith("audience_"):
            data["audience"][key.removeprefix("audience_")] = value
        else:
            data[key] = value
    return data


def _without(*keys):
    data = _copy(VALID)
    for key in keys:
        if key.startswith("audience_"):
            del data["audience"][key.removeprefix("audience_")]
        else:
            del data[key]
    return data


# --- the example brands -----------------------------------------------------------------


def test_examples_exist():
    names = {p.stem for p in EXAMPLES}
    assert {
        "fast-fashion",
        "luxury-direct",
        "luxury-loyalty",
        "casual-game",
        "o2o-store",
        "b2b-equipment",
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_loads_and_names_its_archetype(path):
    profile = load_profile(path, EV)
    assert isinstance(profile, BrandProfile)
    assert profile.slug == path.stem
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Archetype:")
    assert re.search(r"sinorblog_2019|datawords_2019|holtmann_2020|tmo_2025", text)


def test_examples_match_the_brief():
    by_slug = {p.slug: p for p in load_profiles(BRANDS_DIR, EV)}
    ff = by_slug["fast-fashion"]
    assert (ff.category, ff.objective, ff.audience.gender) == ("e-commerce", "sales", "female")
    assert (ff.audience.age_min, ff.audience.age_max) == (18, 30)
    assert set(ff.channels) == {"shared_links", "moments_ads", "official_account", "qr_codes"}
    lux = by_slug["luxury-direct"]
    assert lux.audience.city_tiers == (1, 2) and lux.price_rmb >= 1000
    assert lux.package_size_mb is None and not lux.is_package_size_stated
    loyal = by_slug["luxury-loyalty"]
    assert loyal.objective == "loyalty" and loyal.audience == lux.audience
    assert "member_registration" in loyal.channels
    game = by_slug["casual-game"]
    assert (game.category, game.objective, game.audience.gender) == ("games", "engagement", "any")
    o2o = by_slug["o2o-store"]
    assert {"qr_codes", "nearby_mini_programs", "store_mini_program"} <= set(o2o.channels)
    b2b = by_slug["b2b-equipment"]
    assert b2b.package_size_mb == 14 and b2b.price_rmb >= 10_000 and b2b.audience.gender == "male"


def test_default_folder_loads_all_examples_sorted_by_file_name():
    profiles = load_profiles(ev=EV)
    assert [p.slug for p in profiles] == [p.stem for p in EXAMPLES]


# --- defaults and normalisation --------------------------------------------------------


def test_defaults():
    profile = profile_from_mapping(VALID, "x.yaml", EV)
    assert profile.audience.city_tiers == CITY_TIERS == (1, 2, 3, 4, 5)
    assert profile.package_size_mb is None
    assert profile.description == ""
    assert profile.as_of is None
    assert profile.slug == "petal-lane"
    assert profile.price_rmb == 200.0 and isinstance(profile.price_rmb, float)


def test_profile_is_frozen_and_hashable():
    profile = profile_from_mapping(VALID, "x.yaml", EV)
    with pytest.raises(ValidationError):
        profile.price_rmb = 1  # type: ignore[misc]
    assert hash(profile) == hash(profile_from_mapping(VALID, "x.yaml", EV))


def test_channels_deduplicated_in_order_and_choices_normalised():
    data = _with(
        channels=["qr_codes", "shared_links", "qr_codes", " shared_links "],
        category=" E-Commerce",
        audience_gender="Female",
        audience_city_tiers=[3, 1, 3],
    )
    profile = profile_from_mapping(data, "x.yaml", EV)
    assert profile.channels == ("qr_codes", "shared_links")
    assert profile.category == "e-commerce" and profile.audience.gender == "female"
    assert profile.audience.city_tiers == (1, 3)


def test_optional_fields_and_yaml_dates():
    text = yaml.safe_dump(_with(package_size_mb=9.5, description="  hi  ", slug="my-brand"))
    profile = profile_from_mapping(yaml.safe_load(text + "as_of: 2019-09-11\n"), "x.yaml", EV)
    assert profile.as_of == date(2019, 9, 11)
    assert (profile.package_size_mb, profile.description, profile.slug) == (9.5, "hi", "my-brand")
    assert profile_from_mapping(_with(as_of="2019-09-11"), "x", EV).as_of == date(2019, 9, 11)


def test_profile_to_dict_is_json_safe_and_round_trips():
    import json

    profile = profile_from_mapping(_with(as_of=date(2019, 9, 11)), "x.yaml", EV)
    data = profile_to_dict(profile)
    assert json.loads(json.dumps(data)) == data
    assert data["as_of"] == "2019-09-11" and data["channels"] == ["shared_links", "qr_codes"]
    assert profile_from_mapping(data, "again", EV) == profile


def test_channels_checked_against_the_given_evidence():
    tp = EV.touchpoints
    smaller = dataclasses.replace(EV, touchpoints=tp[tp["touchpoint_id"] != "qr_codes"])
    with pytest.raises(ProfileError, match="'qr_codes' is not a known touch point"):
        profile_from_mapping(VALID, "x.yaml", smaller)


def test_profile_error_is_an_input_error():
    assert issubclass(ProfileError, InputError)


# --- slugs -------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc",
    "..",
    ".",
    "/etc/passwd",
    "C:\\Windows\\System32",
    "Café Ünïcode",
    "",
    "   ",
    "花西子",
    "x" * 500,
    "a-" * 100,
    "--- ---",
    "name\nwith\nlines",
    "\x00nul",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_slugify_is_always_safe(name, tmp_path):
    slug = slugify(name)
    assert re.fullmatch(SLUG_PATTERN, slug)
    assert slug not in (".", "..") and len(slug) <= 64
    assert (tmp_path / slug).resolve().parent == tmp_path.resolve()


def test_slugify_examples():
    assert slugify("../../etc") == "etc"
    assert slugify("Café Ünïcode") == "cafe-unicode"
    assert slugify("") == "brand"
    assert len(slugify("x" * 500)) == 64
    assert slugify("花西子").startswith("brand-") and slugify("花西子") != slugify("完美日记")


@FAST
@given(st.text())
def test_slugify_property(name):
    slug = slugify(name)
    assert re.fullmatch(SLUG_PATTERN, slug) and slug not in (".", "..")


def test_hostile_name_gives_safe_slug_and_output_dir(tmp_path):
    profile = profile_from_mapping(_with(name="../../etc/passwd"), "x.yaml", EV)
    assert profile.slug == "etc-passwd"
    root = tmp_path.resolve()
    with outputs.brand_folder(root, profile.slug) as staging:
        assert staging.path.parent == root and staging.final == root / "etc-passwd"
    assert sorted(p.name for p in root.iterdir()) == ["etc-passwd"]


@pytest.mark.parametrize("slug", ["../x", "..", ".", "Upper", "-lead", "a/b", "x" * 65, "", 5])
def test_bad_explicit_slug(tmp_path, slug):
    message = _error(_write(tmp_path / "s.yaml", _with(slug=slug)))
    assert "field 'slug'" in message and "lowercase" in message


def test_slug_with_trailing_newline_is_refused(tmp_path):
    message = _error(_write(tmp_path / "s.yaml", _with(slug="ok\n")))
    assert "field 'slug'" in message


# --- the rules at their edges: the last value allowed loads, the next is refused by name ---

DAY = date(2026, 12, 1)
FIRST_FIGURE = date(2018, 1, 15)  # the first daily-user figure in datasets/observations.csv

EDGES = {
    "name 160 wide": ({"name": "W" * 160}, "name", "at most 160 fit a slide title"),
    "Chinese name 80 wide": ({"name": "花" * 80}, "name", "counts as two"),
    "youngest age": ({"audience_age_min": 6}, "audience.age_min", "from 6 to 100"),
    "oldest age": ({"audience_age_max": 100}, "audience.age_max", "from 6 to 100"),
    "highest price": ({"price_rmb": 10_000_000}, "price_rmb", "from 0 to 10,000,000"),
    "largest package": ({"package_size_mb": 1000}, "package_size_mb", "at most 1,000"),
    "longest description": ({"description": "d" * 2000}, "description", "at most 2,000"),
    "as_of on the analysis date": ({"as_of": "2026-12-01"}, "as_of", "later than the analysis"),
    "as_of on the first figure": ({"as_of": "2018-01-15"}, "as_of", "before the first daily"),
    "largest need": ({"needs": {"daily_users": 1e9}}, "needs.daily_users", ""),
}
PAST = {
    "name 160 wide": {"name": "W" * 161},
    "Chinese name 80 wide": {"name": "花" * 81},
    "youngest age": {"audience_age_min": 5},
    "oldest age": {"audience_age_max": 101},
    "highest price": {"price_rmb": 10_000_001},
    "largest package": {"package_size_mb": 1000.5},
    "longest description": {"description": "d" * 2001},
    "as_of on the analysis date": {"as_of": "2026-12-02"},
    "as_of on the first figure": {"as_of": "2018-01-14"},
    "largest need": {"needs": {"daily_users": 1.5e9}},
}


def _load(changes, origin="x.yaml"):
    return profile_from_mapping(_with(**changes), origin, EV, analysis_date=DAY)


@pytest.mark.parametrize("case", sorted(EDGES))
def test_the_last_value_a_rule_allows_loads(case):
    changes, field, _ = EDGES[case]
    profile = _load(changes)
    data = profile_to_dict(profile)
    for part in field.split("."):
        data = data[part]
    assert data is not None


@pytest.mark.parametrize(
    "case",
    sorted(PAST),
)
def test_the_next_value_is_refused_in_one_line_naming_the_field_and_the_rule(case):
    _, field, rule = EDGES[case]
    with pytest.raises(ProfileError) as info:
        _load(PAST[case])
    message = str(info.value)
    assert message.startswith(f"x.yaml: field '{field}': "), message
    assert rule in message and len(message.splitlines()) == 1


@pytest.mark.parametrize(
    "need",
    [
        0,
        -5,
        "many",
        [0, 100],
        [1, 2, 3],
        [5000, 100],
    ],
)
def test_a_bad_need_names_the_field_and_what_a_need_is(need):
    with pytest.raises(ProfileError) as info:
        _load({"needs": {"daily_users": need}})
    message = str(info.value)
    assert message.startswith("x.yaml: field 'needs.daily_users': "), message
    assert "above 0" in message or "low below high" in message, message


def test_a_need_is_a_number_or_a_range_of_users_a_day():
    assert _load({"needs": {"daily_users": 2000}}).need_range() == (2000.0, 2000.0)
    assert _load({"needs": {"daily_users": [500, 5000]}}).need_range() == (500.0, 5000.0)
    assert all(math.isnan(x) for x in _load({}).need_range())


def test_as_of_is_bounded_by_the_analysis_date_given():
    assert _load({"as_of": "2020-06-30"}).as_of == date(2020, 6, 30)
    with pytest.raises(ProfileError, match="later than the analysis date 2019-12-31"):
        profile_from_mapping(_with(as_of="2020-06-30"), "x", EV, analysis_date=date(2019, 12, 31))


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\x00", "\x1b", "\t"])
def test_a_name_with_invisible_or_direction_characters_is_refused_and_shown_escaped(char):
    """Direction overrides and other invisible or control characters are refused, named by
    code point (a right-to-left mark or an emoji's joiner is accepted: tests/test_hostile)."""
    with pytest.raises(ProfileError) as info:
        _load({"name": f"Petal{char}Lane"})
    message = str(info.value)
    assert message.startswith("x.yaml: field 'name': ") and f"U+{ord(char):04X}" in message
    assert char not in message and message.isprintable(), repr(message)


@pytest.mark.parametrize("name", ["متجر الورد", "חנות פרחים", "花西子 Florasis", "Café Ünïcode"])
def test_names_in_any_script_load(name):
    assert _load({"name": name}).name == name


# --- bad input: one line, file, field, value, what is allowed --------------------------


def test_missing_file(tmp_path):
    _error(tmp_path / "nope.yaml")
    with pytest.raises(ProfileError, match="nope.yaml: file not found"):
        load_profiles([tmp_path / "nope.yaml"], EV)


def test_folder_with_no_profiles(tmp_path):
    (tmp_path / "README.md").write_text("not a profile", encoding="utf-8")
    with pytest.raises(ProfileError, match="no brand profiles") as info:
        load_profiles(tmp_path, EV)
    assert tmp_path.name in str(info.value)


def test_invalid_yaml_gives_line_and_column(tmp_path):
    message = _error(_write(tmp_path / "bad.yaml", "name: Petal\ncategory: [unclosed\n"))
    assert "invalid YAML at line" in message and "column" in message


def test_duplicate_yaml_key(tmp_path):
    text = yaml.safe_dump(VALID) + "price_rmb: 300\n"
    message = _error(_write(tmp_path / "dup.yaml", text))
    assert "price_rmb" in message and "repeats line" in message


def test_unsafe_yaml_tag_is_refused(tmp_path):
    message = _error(_write(tmp_path / "tag.yaml", "name: !!python/object/apply:os.system [ls]\n"))
    assert "invalid YAML" in message


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "a list"), ("", "nothing"), ("just text\n", "text"), ("42\n", "a number")],
)
def test_top_level_not_a_mapping(tmp_path, text, kind):
    message = _error(_write(tmp_path / "top.yaml", text))
    assert "top level must be a mapping" in message and kind in message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    assert "UTF-8" in _error(path)


def test_wrong_suffix_and_folder_for_load_profile(tmp_path):
    assert "not a profile file type" in _error(_write(tmp_path / "p.txt", VALID))
    folder = tmp_path / "f.yaml"
    folder.mkdir()
    assert "is a folder" in _error(folder)


@pytest.mark.parametrize(
    "key",
    [
        "name",
        "category",
        "objective",
        "audience",
        "price_rmb",
        "channels",
        "audience_gender",
        "audience_age_min",
        "audience_age_max",
    ],
)
def test_missing_field(tmp_path, key):
    message = _error(_write(tmp_path / "m.yaml", _without(key)))
    dotted = key.replace("audience_", "audience.")
    assert f"field '{dotted}' is required" in message


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("chanels", "channels"),
        ("price", "price_rmb"),
        ("audience_agemin", "age_min"),
        ("catgory", "category"),
    ],
)
def test_unknown_field_suggests(tmp_path, key, suggestion):
    data = _with(**{key: 1})
    message = _error(_write(tmp_path / "u.yaml", data))
    dotted = key.replace("audience_", "audience.")
    assert f"field '{dotted}' is not allowed (did you mean '{suggestion}'?)" in message


def test_unknown_field_without_suggestion_lists_allowed(tmp_path):
    message = _error(_write(tmp_path / "u.yaml", _with(zzzzzz=1)))
    assert "field 'zzzzzz' is not allowed (allowed: name, category" in message


def test_non_text_field_name(tmp_path):
    message = _error(_write(tmp_path / "k.yaml", yaml.safe_dump(VALID) + "1: x\n"))
    assert "field names must be text" in message


@pytest.mark.parametrize(
    ("key", "value", "allowed", "suggestion"),
    [
        ("category", "game", CATEGORIES, "games"),
        ("category", "ecommerce", CATEGORIES, "e-commerce"),
        ("objective", "sale", OBJECTIVES, "sales"),
        ("objective", "loyality", OBJECTIVES, "loyalty"),
        ("audience_gender", "femal", GENDERS, "female"),
    ],
)
def test_unknown_choice(tmp_path, key, value, allowed, suggestion):
    message = _error(_write(tmp_path / "c.yaml", _with(**{key: value})))
    dotted = key.replace("audience_", "audience.")
    assert f"field '{dotted}': '{value}' is not allowed (allowed: {', '.join(allowed)})" in message
    assert f"(did you mean '{suggestion}'?)" in message


def test_gender_message_matches_the_house_style(tmp_path):
    path = _write(tmp_path / "x.yaml", _with(audience_gender="femal"))
    assert _error(path).endswith(
        "x.yaml: field 'audience.gender': 'femal' is not allowed "
        "(allowed: female, male, any) (did you mean 'female'?)"
    )


def test_unknown_channel(tmp_path):
    message = _error(_write(tmp_path / "ch.yaml", _with(channels=["shared_links", "qr_code"])))
    assert "field 'channels': 'qr_code' is not a known touch point (did you mean 'qr_codes'?)" in (
        message
    )
    assert "(allowed: top_bar, " in message


@pytest.mark.parametrize("channels", ["shared_links", 5, {"a": 1}, [None], [["qr_codes"]]])
def test_channels_of_the_wrong_shape(tmp_path, channels):
    assert "field 'channels'" in _error(_write(tmp_path / "ch.yaml", _with(channels=channels)))


@pytest.mark.parametrize("price", [-5, -0.01, "200", True, False, None, [200], ".nan", ".inf"])
def test_bad_price(tmp_path, price):
    if price in (".nan", ".inf"):
        path = _write(
            tmp_path / "p.yaml", yaml.safe_dump(_without("price_rmb")) + f"price_rmb: {price}\n"
        )
    else:
        path = _write(tmp_path / "p.yaml", _with(price_rmb=price))
    message = _error(path)
    assert "field 'price_rmb'" in message
    assert "must be a number from 0 to 10,000,000 (RMB per customer per month)" in message


def test_price_message_matches_the_house_style(tmp_path):
    path = _write(tmp_path / "x.yaml", _with(price_rmb=-5))
    assert _error(path).endswith(
        "x.yaml: field 'price_rmb': -5 must be a number from 0 to 10,000,000 (RMB per customer per month)"
    )


def test_zero_price_is_allowed():
    assert profile_from_mapping(_with(price_rmb=0), "x", EV).price_rmb == 0.0


@pytest.mark.parametrize(
    ("age_min", "age_max", "field"),
    [
        (40, 20, "audience.age_max"),
        (-1, 30, "audience.age_min"),
        (18, 101, "audience.age_max"),
        (18.5, 30, "audience.age_min"),
        ("18", 30, "audience.age_min"),
        (True, 30, "audience.age_min"),
    ],
)
def test_bad_age_range(tmp_path, age_min, age_max, field):
    data = _with(audience_age_min=age_min, audience_age_max=age_max)
    message = _error(_write(tmp_path / "a.yaml", data))
    assert f"field '{field}'" in message


def test_inverted_age_range_says_so(tmp_path):
    message = _error(_write(tmp_path / "a.yaml", _with(audience_age_min=40, audience_age_max=20)))
    assert "inverted" in message and "age_min must be below age_max" in message


@pytest.mark.parametrize("tiers", [[0], [6], [1, 2, 7], ["1"], [1.5], [], 3, "1;2"])
def test_bad_city_tiers(tmp_path, tiers):
    message = _error(_write(tmp_path / "t.yaml", _with(audience_city_tiers=tiers)))
    assert "field 'audience.city_tiers'" in message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", ""),
        ("name", 2048),
        ("name", "a\nb"),
        ("package_size_mb", 0),
        ("package_size_mb", -1),
        ("package_size_mb", "14"),
        ("description", 5),
        ("as_of", "2019-02-30"),
        ("as_of", "yesterday"),
        ("audience", "young women"),
    ],
)
def test_other_bad_values(tmp_path, key, value):
    message = _error(_write(tmp_path / "o.yaml", _with(**{key: value})))
    assert f"field '{key}'" in message


def test_message_is_one_line_even_for_hostile_values(tmp_path):
    data = _with(category="e-commerce\nfield 'x': fake second line\u2028third")
    message = _error(_write(tmp_path / "h.yaml", data))
    assert "\n" not in message and "\u2028" not in message


# --- CSV, folders, duplicates --------------------------------------------------------------

CSV_HEADER = [
    "name",
    "category",
    "objective",
    "gender",
    "age_min",
    "age_max",
    "city_tiers",
    "price_rmb",
    "channels",
    "package_size_mb",
    "description",
    "slug",
]


def _csv(path: Path, rows, header=CSV_HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _row_of(profile: BrandProfile) -> list[str]:
    d = profile_to_dict(profile)
    a = d["audience"]
    return [
        d["name"],
        d["category"],
        d["objective"],
        a["gender"],
        a["age_min"],
        a["age_max"],
        ";".join(map(str, a["city_tiers"])),
        d["price_rmb"],
        ";".join(d["channels"]),
        "" if d["package_size_mb"] is None else d["package_size_mb"],
        d["description"],
        d["slug"],
    ]


def test_csv_matches_yaml(tmp_path):
    yaml_profiles = load_profiles(BRANDS_DIR, EV)
    path = _csv(tmp_path / "brands.csv", [_row_of(p) for p in yaml_profiles])
    assert load_profiles(path, EV) == yaml_profiles


def test_csv_minimal_columns_and_defaults(tmp_path):
    header = list(CSV_REQUIRED_COLUMNS)
    rows = [
        ["Word Sprout", "games", "engagement", "any", "16", "35", "30", "shared_links; top_bar"]
    ]
    (profile,) = load_profiles(_csv(tmp_path / "b.csv", rows, header), EV)
    assert profile.channels == ("shared_links", "top_bar")
    assert profile.audience.city_tiers == CITY_TIERS and profile.slug == "word-sprout"


def test_csv_bad_row_is_named(tmp_path):
    good = ["A", "games", "engagement", "any", 16, 35, "1;2", 30, "shared_links", "", "", ""]
    bad = ["C", "games", "engagement", "any", 16, 35, "1;2", 30, "shared_links;qr_code", "", "", ""]
    path = _csv(tmp_path / "my.csv", [good, ["B", *good[1:]], bad])
    with pytest.raises(ProfileError) as info:
        load_profiles(path, EV)
    message = str(info.value)
    assert len(message.splitlines()) == 1
    assert "my.csv row 3: field 'channels': 'qr_code' is not a known touch point" in message
    assert "(did you mean 'qr_codes'?)" in message


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("price_rmb", "abc", "'abc' must be a number from 0 to 10,000,000"),
        ("price_rmb", "true", "must be a number from 0 to 10,000,000"),
        ("price_rmb", "nan", "must be a number from 0 to 10,000,000"),
        ("price_rmb", "", "field 'price_rmb' is required"),
        ("city_tiers", "1;6", "field 'audience.city_tiers': 6 must be a city tier"),
        ("age_min", "x", "field 'audience.age_min'"),
        ("gender", "femal", "(did you mean 'female'?)"),
    ],
)
def test_csv_bad_cells(tmp_path, column, value, expected):
    row = dict(
        zip(
            CSV_HEADER,
            [
                "A",
                "games",
                "engagement",
                "any",
                "16",
                "35",
                "1;2",
                "30",
                "shared_links",
                "",
                "",
                "",
            ],
            strict=True,
        )
    )
    row[column] = value
    with pytest.raises(ProfileError) as info:
        load_profiles(_csv(tmp_path / "b.csv", [list(row.values())]), EV)
    assert "b.csv row 1: " in str(info.value) and expected in str(info.value)


def test_csv_needs_and_as_of_columns(tmp_path):
    header = [*CSV_REQUIRED_COLUMNS, "needs_daily_users", "as_of"]
    base = ["A", "games", "engagement", "any", "16", "35", "30", "shared_links"]
    rows = [
        [*base, "500;5000", "2019-09-11"],
        ["B", *base[1:], "2000", ""],
        ["C", *base[1:], "", ""],
    ]
    a, b, c = load_profiles(_csv(tmp_path / "n.csv", rows, header), EV)
    assert a.need_range() == (500.0, 5000.0) and a.as_of == date(2019, 9, 11)
    assert b.need_range() == (2000.0, 2000.0) and b.as_of is None
    assert c.needs is None


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("needs_daily_users", "5000;100", "field 'needs.daily_users'"),
        ("as_of", "2999-01-01", "field 'as_of': 2999-01-01 is later than the analysis date"),
        ("as_of", "2019-02-30", "field 'as_of'"),
        ("age_min", "5", "field 'audience.age_min': 5 must be a whole number of years from 6"),
    ],
)
def test_csv_bad_new_cells_name_file_row_and_field(tmp_path, column, value, expected):
    header = [*CSV_REQUIRED_COLUMNS, "needs_daily_users", "as_of"]
    good = ["A", "games", "engagement", "any", "16", "35", "30", "shared_links", "", ""]
    bad = dict(zip(header, ["B", *good[1:]], strict=True)) | {column: value}
    path = _csv(tmp_path / "brands.csv", [good, list(bad.values())], header)
    with pytest.raises(ProfileError) as info:
        load_profiles(path, EV)
    message = str(info.value)
    assert len(message.splitlines()) == 1
    assert f"brands.csv row 2: {expected}" in message, message


def test_csv_header_problems(tmp_path):
    with pytest.raises(ProfileError, match=r"column 'chanels' is not allowed \(did you mean"):
        load_profiles(_csv(tmp_path / "a.csv", [], [*CSV_HEADER[:8], "chanels"]), EV)
    with pytest.raises(ProfileError, match="column 'channels' is required"):
        load_profiles(_csv(tmp_path / "b.csv", [], CSV_HEADER[:8]), EV)
    with pytest.raises(ProfileError, match="no brands"):
        load_profiles(_csv(tmp_path / "c.csv", []), EV)
    (tmp_path / "d.csv").write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match="no header"):
        load_profiles(tmp_path / "d.csv", EV)
    too_many = [["A", "games", "engagement", "any", 16, 35, "", 30, "top_bar", "", "", "", "x"]]
    with pytest.raises(ProfileError, match="row 1: has 13 cells"):
        load_profiles(_csv(tmp_path / "e.csv", too_many), EV)


def test_folder_loading_is_sorted_and_ignores_other_files(tmp_path):
    _write(tmp_path / "b.yml", _with(name="Bravo"))
    _write(tmp_path / "a.yaml", _with(name="Alpha"))
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    assert [p.name for p in load_profiles(tmp_path, EV)] == ["Alpha", "Bravo"]


def test_same_file_twice_is_read_once(tmp_path):
    path = _write(tmp_path / "a.yaml", VALID)
    assert len(load_profiles([tmp_path, path], EV)) == 1


def test_mixed_sources(tmp_path):
    yaml_path = _write(tmp_path / "a.yaml", _with(name="Alpha"))
    csv_path = _csv(
        tmp_path / "b.csv",
        [["Bravo", "news", "engagement", "any", 20, 40, "", 10, "official_account", "", "", ""]],
    )
    assert [p.slug for p in load_profiles([yaml_path, csv_path], EV)] == ["alpha", "bravo"]


def test_duplicate_slug_names_both_origins(tmp_path):
    first = _write(tmp_path / "first.yaml", _with(name="Same Brand"))
    second = _write(tmp_path / "second.yaml", _with(name="same brand!"))
    with pytest.raises(ProfileError) as info:
        load_profiles([first, second], EV)
    message = str(info.value)
    assert "first.yaml" in message and "second.yaml" in message and "same-brand" in message
    assert len(message.splitlines()) == 1


def test_duplicate_slug_across_yaml_and_csv(tmp_path):
    yaml_path = _write(tmp_path / "a.yaml", _with(slug="dup"))
    csv_path = _csv(
        tmp_path / "b.csv",
        [["Other", "news", "engagement", "any", 20, 40, "", 10, "official_account", "", "", "dup"]],
    )
    with pytest.raises(ProfileError, match=r"b.csv row 1: slug 'dup' is already used by .*a.yaml"):
        load_profiles([yaml_path, csv_path], EV)


def test_no_paths_and_unsupported_file(tmp_path):
    with pytest.raises(ProfileError, match="no brand profiles given"):
        load_profiles([], EV)
    with pytest.raises(ProfileError, match="not a profile file type"):
        load_profiles([_write(tmp_path / "x.json", "{}")], EV)


# --- property tests: anything in, a BrandProfile or a one-line ProfileError out ----------

FIELDS = list(BrandProfile.model_fields)
AUDIENCE_FIELDS = ["gender", "age_min", "age_max", "city_tiers"]
WORDS = [
    *CATEGORIES,
    *OBJECTIVES,
    *GENDERS,
    *TOUCHPOINTS,
    "qr_code",
    "femal",
    "../..",
    "1;2",
    "2019-09-11",
    "",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=0, max_value=100),
    st.sampled_from([400, -400, 5000, 63]).map(lambda n: 10**n if n > 0 else -(10**-n)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(WORDS),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(AUDIENCE_FIELDS), st.text(max_size=6)), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=10), st.integers(), st.none())


def _check_outcome(data) -> None:
    try:
        profile = profile_from_mapping(data, "fuzz.yaml", EV)
    except ProfileError as err:
        message = str(err)
        assert message.startswith("fuzz.yaml: ")
        assert len(message.splitlines()) == 1 and "\n" not in message
        return
    assert isinstance(profile, BrandProfile)
    assert re.fullmatch(SLUG_PATTERN, profile.slug or "")
    assert math.isfinite(profile.price_rmb) and 0 <= profile.price_rmb <= PRICE_MAX_RMB
    assert AGE_RANGE[0] <= profile.audience.age_min < profile.audience.age_max <= AGE_RANGE[1]
    assert profile.package_size_mb is None or 0 < profile.package_size_mb <= PACKAGE_MAX_MB
    assert 0 < display_width(profile.name) <= NAME_MAX_WIDTH and profile.name.isprintable()
    assert len(profile.description) <= DESCRIPTION_MAX_CHARS
    assert set(profile.channels) <= set(TOUCHPOINTS)
    assert profile_from_mapping(profile_to_dict(profile), "again", EV) == profile


@FAST
@given(st.one_of(st.dictionaries(keys, values, max_size=12), values))
def test_random_mappings_load_or_raise_profile_error(data):
    _check_outcome(data)


@FAST
@given(
    st.dictionaries(st.sampled_from(FIELDS + ["junk"]), values, max_size=4),
    st.dictionaries(st.sampled_from(AUDIENCE_FIELDS + ["junk"]), values, max_size=3),
    st.lists(st.sampled_from(FIELDS), max_size=2),
)
def test_mutated_valid_profiles_load_or_raise_profile_error(changes, audience_changes, dropped):
    data = _copy(VALID)
    data["audience"].update(audience_changes)
    data.update(changes)
    for key in dropped:
        data.pop(key, None)
    _check_outcome(data)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_random_yaml_text_loads_or_raises_profile_error(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_profile(path, EV)
    except ProfileError as err:
        assert len(str(err).splitlines()) == 1 and "fuzz.yaml" in str(err)
