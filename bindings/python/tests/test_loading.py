"""Finding, checking and declaring the shared library."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import livechat_bots
from livechat_bots import _ffi

HERE = Path(__file__).resolve().parent


def test_versions() -> None:
    assert livechat_bots.ABI_VERSION == 2
    assert _ffi.lib.lcbot_abi_version() == 2
    assert re.match(r"^\d+\.\d+\.\d+", livechat_bots.__version__)


def test_library_comes_from_the_package_or_the_environment() -> None:
    path = _ffi.library_path()
    assert path.is_file()
    if os.environ.get(_ffi.LIB_ENV):
        assert path == Path(os.environ[_ffi.LIB_ENV])
    else:
        assert path.parent == Path(livechat_bots.__file__).resolve().parent
        assert path.name == _ffi.LIB_FILENAME


def compile_library(tmp_path: Path, source: str) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None or not sys.platform.startswith("linux"):
        pytest.skip("needs a C compiler on Linux")
    c_file = tmp_path / "fake.c"
    c_file.write_text(source)
    lib = tmp_path / "libfake.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), str(c_file)], check=True)
    return lib


def test_a_library_with_another_abi_version_is_refused(tmp_path: Path) -> None:
    lib = compile_library(
        tmp_path,
        '#include <stdint.h>\nuint32_t lcbot_abi_version(void) { return 1; }\n'
        'const char *lcbot_version(void) { return "9.9.9"; }\n',
    )
    with pytest.raises(ImportError, match=r"ABI version 1.*written for ABI version 2"):
        _ffi.load_library(lib)


def test_import_refuses_a_mismatched_library_named_by_the_environment(tmp_path: Path) -> None:
    lib = compile_library(tmp_path, "#include <stdint.h>\nuint32_t lcbot_abi_version(void) { return 7; }\n")
    env = {**os.environ, _ffi.LIB_ENV: str(lib)}
    run = subprocess.run(
        [sys.executable, "-c", "import livechat_bots"], env=env, capture_output=True, text=True, cwd=HERE
    )
    assert run.returncode != 0
    assert "ImportError" in run.stderr and "ABI version 7" in run.stderr and str(lib) in run.stderr


def test_the_environment_variable_selects_the_library() -> None:
    env = {**os.environ, _ffi.LIB_ENV: str(_ffi.library_path())}
    code = "import livechat_bots._ffi as f; print(f.library_path())"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=HERE)
    assert run.stdout.strip() == str(_ffi.library_path())


def test_a_library_without_the_abi_function_is_refused(tmp_path: Path) -> None:
    lib = compile_library(tmp_path, "int unrelated(void) { return 0; }\n")
    with pytest.raises(ImportError, match="not a livechat-bots library"):
        _ffi.load_library(lib)


def test_a_library_missing_a_function_is_refused(tmp_path: Path) -> None:
    lib = compile_library(tmp_path, "#include <stdint.h>\nuint32_t lcbot_abi_version(void) { return 2; }\n")
    with pytest.raises(ImportError, match="lacks the function"):
        _ffi.load_library(lib)


def test_a_missing_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ImportError, match="no library at"):
        _ffi.load_library(tmp_path / "nothing.so")
    not_a_library = tmp_path / "text.so"
    not_a_library.write_text("hello")
    with pytest.raises(ImportError, match="could not load"):
        _ffi.load_library(not_a_library)
