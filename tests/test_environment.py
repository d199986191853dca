"""pyproject.toml, environment.yml and constraints.txt agree on what to install."""

from __future__ import annotations

import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from research.paths import ROOT


def normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def parse(specs: list[str]) -> dict[str, SpecifierSet]:
    """Return ``{normalised name: specifier set}``, failing on a name given twice."""
    out: dict[str, SpecifierSet] = {}
    for spec in specs:
        req = Requirement(spec)
        name = normalise(req.name)
        assert name not in out, f"{name} is listed twice"
        out[name] = req.specifier
    return out


def pyproject_deps() -> dict[str, SpecifierSet]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return parse(project["dependencies"] + project["optional-dependencies"]["dev"])


def conda_env() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def conda_deps() -> dict[str, SpecifierSet]:
    specs = [
        d
        for d in conda_env()["dependencies"]
        if isinstance(d, str) and normalise(Requirement(d).name) not in {"python", "pip"}
    ]
    return parse(specs)


def test_pyproject_and_environment_declare_the_same_packages():
    pip, conda = pyproject_deps(), conda_deps()
    assert sorted(pip) == sorted(conda)
    assert {"numpy", "pandas", "frictionless", "pytest", "nbval", "ruff"} <= pip.keys()


def test_pyproject_and_environment_pin_the_same_versions():
    pip, conda = pyproject_deps(), conda_deps()
    differ = {name: (str(pip[name]), str(conda[name])) for name in pip if pip[name] != conda[name]}
    assert differ == {}


def test_environment_python_and_pip_section():
    env = conda_env()
    deps = env["dependencies"]
    names = [normalise(Requirement(d).name) for d in deps if isinstance(d, str)]
    assert "python" in names and "pip" in names
    nested = [d for d in deps if isinstance(d, dict)]
    assert len(nested) == 1 and list(nested[0]) == ["pip"]
    assert "-e ." in nested[0]["pip"]
    assert "conda-forge" in env["channels"]


def test_environment_python_matches_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (python,) = [
        Requirement(d)
        for d in conda_env()["dependencies"]
        if isinstance(d, str) and normalise(Requirement(d).name) == "python"
    ]
    assert python.specifier == SpecifierSet(project["requires-python"])


def constraints() -> dict[str, str]:
    """Return ``{normalised name: exact version}`` from constraints.txt."""
    out = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", line
            out[normalise(req.name)] = spec.version
    return out


def test_constraints_pin_every_declared_package_inside_its_range():
    pins = constraints()
    for name, spec in pyproject_deps().items():
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert spec.contains(pins[name]), f"{name}=={pins[name]} is outside {spec}"
