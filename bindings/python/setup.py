"""Builds the livechat-bots Rust library with setuptools-rust and ships it inside the package.

From the repository, the crate is two levels up (../../Cargo.toml). An sdist
carries a copy of the crate sources in ``rust/`` (see ``SdistWithCrate``), and
a build from an unpacked sdist uses that copy.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.sdist import sdist
from setuptools_rust import Binding, RustExtension, Strip, build_rust

HERE = Path(__file__).resolve().parent
VENDORED_CRATE = HERE / "rust"
REPO_CRATE = HERE.parent.parent
CRATE_NAME = "livechat-bots"

# What cargo needs to build the library; README/LICENSE/CHANGELOG when present.
CRATE_FILES = ["Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml", "README.md", "CHANGELOG.md", "LICENSE"]
CRATE_DIRS = ["src", "include"]

if sys.platform == "win32":
    LIB_FILENAME = "livechat_bots.dll"
elif sys.platform == "darwin":
    LIB_FILENAME = "liblivechat_bots.dylib"
else:
    LIB_FILENAME = "liblivechat_bots.so"


def crate_dir() -> Path:
    """The crate to build: the sdist's copy if there is one, else the repository's."""
    for candidate in (VENDORED_CRATE, REPO_CRATE):
        manifest = candidate / "Cargo.toml"
        if manifest.is_file() and re.search(rf'^name\s*=\s*"{CRATE_NAME}"', manifest.read_text(), re.M):
            return candidate
    raise SystemExit(
        f"livechat-bots: cannot find the Rust crate: looked for {VENDORED_CRATE}/Cargo.toml "
        f"(an sdist) and {REPO_CRATE}/Cargo.toml (the repository)"
    )


def crate_version(crate: Path) -> str:
    text = (crate / "Cargo.toml").read_text()
    package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    version = re.search(r'^version\s*=\s*"([^"]+)"', package.group(1) if package else "", re.M)
    if not version:
        raise SystemExit("livechat-bots: no [package] version in Cargo.toml")
    return version.group(1)


def explicit_target_paths(crate: Path) -> list[str]:
    """Paths of targets named in Cargo.toml ([[bin]], [[example]], ...): cargo checks they exist."""
    try:
        import tomllib
    except ImportError:  # Python < 3.11: the targets under src/ are copied anyway
        return []
    manifest = tomllib.loads((crate / "Cargo.toml").read_text())
    # Where cargo looks for a target named without a path.
    default_dirs = {"bin": "src/bin", "example": "examples", "test": "tests", "bench": "benches"}
    paths = []
    for kind in ("bin", "example", "test", "bench"):
        for target in manifest.get(kind, []):
            if "path" in target:
                paths.append(target["path"])
            elif "name" in target:
                paths.append(f"{default_dirs[kind]}/{target['name']}.rs")
    return paths


class SdistWithCrate(sdist):
    """Puts a copy of the crate sources into the sdist, under rust/."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        source = crate_dir()
        dest = Path(base_dir) / "rust"
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir()
        for name in CRATE_FILES:
            if (source / name).is_file():
                shutil.copy2(source / name, dest / name)
        ignore = shutil.ignore_patterns("target", "__pycache__", "*.orig", "*.rej", "*~")
        for name in CRATE_DIRS:
            if (source / name).is_dir():
                shutil.copytree(source / name, dest / name, ignore=ignore)
        for rel in explicit_target_paths(source):
            if (source / rel).is_file() and not (dest / rel).exists():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / rel, dest / rel)


class BuildRustPlainName(build_rust):
    """Installs the library as livechat_bots/liblivechat_bots.so, the name the package loads,
    rather than a Python extension-module name."""

    def get_dylib_ext_path(self, ext: RustExtension, target_fname: str) -> str:
        path = super().get_dylib_ext_path(ext, target_fname)
        return os.path.join(os.path.dirname(path), LIB_FILENAME)


class BdistWheelAnyPython(bdist_wheel):
    """The library does not use Python's C API: one wheel serves every Python 3."""

    def get_tag(self) -> tuple[str, str, str]:
        _, _, plat = super().get_tag()
        return "py3", "none", plat


CRATE = crate_dir()

setup(
    version=crate_version(CRATE),
    rust_extensions=[
        RustExtension(
            "livechat_bots.liblivechat_bots",
            path=os.path.relpath(CRATE / "Cargo.toml", HERE),
            binding=Binding.NoBinding,
            strip=Strip.Debug,
            # `make test` adds the test-only panic hook; a release never has it.
            features=[f for f in os.environ.get("LIVECHAT_BOTS_CARGO_FEATURES", "").split(",") if f],
        )
    ],
    cmdclass={"sdist": SdistWithCrate, "build_rust": BuildRustPlainName, "bdist_wheel": BdistWheelAnyPython},
    zip_safe=False,
)
