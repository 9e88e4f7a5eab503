"""Every file the code reads at run time ships with the package: each non-Python file under
the packages is matched by ``[tool.setuptools.package-data]`` or is named here as not read."""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_READ = {
    "contracts/pyproject.toml": "the contracts package's own build (packaged on its own)",
    "services/store/README.md": "documentation",
}


def _shipped(relative: Path, package_data: dict[str, list[str]]) -> bool:
    for package, globs in package_data.items():
        folder = Path(*package.split("."))
        if relative.is_relative_to(folder):
            inside = relative.relative_to(folder).as_posix()
            depth = inside.count("/")  # setuptools' * stays within one folder
            if any(fnmatch(inside, g) and depth == g.count("/") for g in globs):
                return True
    return False


def test_every_data_file_of_the_packages_is_shipped() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    missing = []
    for top in config["tool"]["setuptools"]["packages"]["find"]["include"]:
        for path in (ROOT / top.rstrip("*")).rglob("*"):
            relative = path.relative_to(ROOT)
            if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
                continue
            if relative.as_posix() not in NOT_READ and not _shipped(relative, package_data):
                missing.append(relative.as_posix())
    assert missing == [], "add to [tool.setuptools.package-data] in pyproject.toml"
