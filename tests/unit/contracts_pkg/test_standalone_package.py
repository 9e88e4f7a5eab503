"""``contracts`` installs on its own (wa-contracts): msgspec is its only dependency, and
``contracts.addresses`` says clearly that it needs the ``addresses`` extra."""

import pkgutil
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import msgspec

import contracts

CONTRACTS = Path(contracts.__file__).parent
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]

PROBE = """
import importlib, importlib.metadata as md, json, pkgutil, sys
import contracts
names = [m.name for m in pkgutil.walk_packages(contracts.__path__, "contracts.")]
imported, refused = [], {}
for name in names:
    try:
        importlib.import_module(name)
        imported.append(name)
    except ImportError as exc:
        refused[name] = str(exc)
dist = md.distribution("wa-contracts")
print(json.dumps({"requires": dist.requires, "imported": imported, "refused": refused,
                  "file": contracts.__file__}))
"""


def _build_wheel(tmp: Path) -> Path:
    source = tmp / "src"
    shutil.copytree(CONTRACTS, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "-w", str(tmp / "dist"), str(source)], check=True
    )  # an isolated build: setuptools comes from the package index, as for `pip install -e .`
    (wheel,) = (tmp / "dist").glob("wa_contracts-*.whl")
    return wheel


def test_the_wheel_installs_in_a_fresh_venv_with_msgspec_alone(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)  # our pip installs into it: faster
    python = env_dir / "bin" / "python"
    subprocess.run(
        [*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    # msgspec, and nothing else from our venv: a folder holding only it, on the path.
    only_msgspec = tmp_path / "only-msgspec"
    only_msgspec.mkdir()
    (only_msgspec / "msgspec").symlink_to(Path(msgspec.__file__).parent)
    (site,) = (env_dir / "lib").glob("python3.*/site-packages")
    (site / "only_msgspec.pth").write_text(f"{only_msgspec}\n")

    out = subprocess.run(
        [str(python), "-c", PROBE], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    result = msgspec.json.decode(out.stdout)

    assert str(env_dir) in result["file"]
    requires = result["requires"]
    assert [r for r in requires if "extra" not in r] == ["msgspec<1,>=0.18"]
    assert all(r.startswith("phonenumbers") for r in requires if "extra" in r)
    assert {"contracts.codec", "contracts.envelope", "contracts.events", "contracts.schema",
            "contracts.subjects", "contracts.upcasting"} <= set(result["imported"])  # fmt: skip
    assert list(result["refused"]) == ["contracts.addresses"]
    assert "pip install 'wa-contracts[addresses]'" in result["refused"]["contracts.addresses"]


def test_every_sub_package_is_listed_in_the_package_metadata() -> None:
    config = tomllib.loads((CONTRACTS / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {"contracts"} | {
        m.name for m in pkgutil.walk_packages(contracts.__path__, "contracts.") if m.ispkg
    }
    assert listed == found
