"""The ctypes declarations and the status table follow the committed C header.

The header is include/livechat_bots.h of the repository (three levels up
from this file). An installed-wheel run, where it is not beside the tests,
skips these tests.
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path
from typing import Any

import pytest

from livechat_bots import _ffi
from livechat_bots._errors import STATUS_TABLE, LiveChatBotsError

HEADER = Path(__file__).resolve().parent / ".." / ".." / ".." / "include" / "livechat_bots.h"


@pytest.fixture(scope="module")
def header() -> str:
    """The header's text without comments."""
    if not HEADER.is_file():
        pytest.skip(f"the C header is not at {HEADER} (not a repository checkout, e.g. an installed wheel)")
    text = HEADER.read_text()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def header_statuses(header: str) -> dict[str, int]:
    body = re.search(r"enum\s+lcbot_status\b[^{]*\{(.*?)\}", header, re.S)
    assert body is not None, "no `enum lcbot_status { ... }` in the header"
    entries = dict(re.findall(r"\b(LCBOT_\w+)\s*=\s*(-?\d+)", body.group(1)))
    assert entries, "the lcbot_status enum has no entries"
    return {name: int(number) for name, number in entries.items()}


def define(header: str, name: str) -> int:
    match = re.search(rf"#define\s+{name}\s+(\d+)", header)
    assert match is not None, f"no #define {name} in the header"
    return int(match.group(1))


# -- status codes: one source (the Rust enum, through the header) ----------


def test_python_status_table_is_the_headers_enum_both_ways(header: str) -> None:
    ours = {name: number for name, number, _, _ in STATUS_TABLE}
    theirs = header_statuses(header)
    missing_here = {n: v for n, v in theirs.items() if ours.get(n) != v}
    missing_there = {n: v for n, v in ours.items() if theirs.get(n) != v}
    assert not missing_here, f"in the header, not (or numbered otherwise) in Python's STATUS_TABLE: {missing_here}"
    assert not missing_there, f"in Python's STATUS_TABLE, not (or numbered otherwise) in the header: {missing_there}"


def test_each_code_string_is_the_constant_name_in_lower_case() -> None:
    for name, number, code, cls in STATUS_TABLE:
        if number == 0:
            assert name == "LCBOT_OK" and cls is None
            continue
        assert name.startswith("LCBOT_ERR_"), name
        assert code == name.removeprefix("LCBOT_ERR_").lower(), name
        assert cls is not None and issubclass(cls, LiveChatBotsError), name
    numbers = [number for _, number, _, _ in STATUS_TABLE]
    assert len(set(numbers)) == len(numbers), "a status number is used twice"
    classes = [cls for _, _, _, cls in STATUS_TABLE if cls is not None]
    assert len(set(classes)) == len(classes), "two statuses share an exception class"


def test_every_macro_of_the_header_has_the_prefix(header: str) -> None:
    # The header's convention: every constant starts with LCBOT_ (a core
    # constant exported by cbindgen by mistake would not).
    names = re.findall(r"^\s*#define\s+(\w+)", header, re.M)
    assert names
    assert [n for n in names if not n.startswith("LCBOT_") and n != "LIVECHAT_BOTS_H"] == []


def test_constants_match(header: str) -> None:
    assert define(header, "LCBOT_ABI_VERSION") == _ffi.ABI_VERSION
    assert define(header, "LCBOT_CALL_OPTIONS_VERSION") == _ffi.CALL_OPTIONS_VERSION
    assert define(header, "LCBOT_TOKEN_MAX_LEN") == _ffi.TOKEN_MAX_LEN
    assert define(header, "LCBOT_WEBHOOK_OPTIONS_VERSION") == _ffi.WEBHOOK_OPTIONS_VERSION
    assert define(header, "LCBOT_WEBHOOK_DEFAULT_MAX_BODY") == _ffi.WEBHOOK_DEFAULT_MAX_BODY


# -- function declarations ---------------------------------------------------

_OPAQUE = r"lcbot_(?:client|bot|emulator|cancel_token|queue)"


def ctype_of(c_type: str) -> Any:
    """The ctypes type this package declares for a C type of the header."""
    t = re.sub(r"\bstruct\s+", "", c_type)
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"\s*\*", " *", t).replace("* *", "**")
    simple: dict[str, Any] = {
        "void": None,
        "lcbot_status": ctypes.c_int32,
        "int32_t": ctypes.c_int32,
        "uint32_t": ctypes.c_uint32,
        "uint64_t": ctypes.c_uint64,
        "size_t": ctypes.c_size_t,
        # Strings the library keeps (lcbot_version, lcbot_emulator_url) and
        # strings it only reads: copied or converted, so c_char_p.
        "const char *": ctypes.c_char_p,
        # A string to free (lcbot_string_free) or a buffer to write (a token
        # provider's): an address, never a converted copy.
        "char *": ctypes.c_void_p,
        "void *": ctypes.c_void_p,
        # Owned strings come back through char **: read as an address, freed.
        "char **": ctypes.POINTER(ctypes.c_void_p),
        "const lcbot_call_options *": ctypes.POINTER(_ffi.CallOptions),
        "const lcbot_webhook_options *": ctypes.POINTER(_ffi.WebhookOptions),
        # A queue's completion: read through its struct, freed by lcbot_completion_free.
        "lcbot_completion *": ctypes.POINTER(_ffi.Completion),
        "lcbot_completion **": ctypes.POINTER(ctypes.POINTER(_ffi.Completion)),
        # A byte buffer passed with its length (a webhook body): c_char_p takes
        # a bytes object's own buffer, without a copy; the length says where it ends.
        "const uint8_t *": ctypes.c_char_p,
        "lcbot_token_provider": _ffi.TokenProvider,
        "lcbot_notice_handler": _ffi.NoticeHandler,
    }
    if t in simple:
        return simple[t]
    if re.fullmatch(rf"(?:const )?{_OPAQUE} \*", t):
        return ctypes.c_void_p
    if re.fullmatch(rf"{_OPAQUE} \*\*", t):
        return ctypes.POINTER(ctypes.c_void_p)
    raise AssertionError(f"no ctypes mapping for the C type {c_type!r}: extend ctype_of")


def split_declaration(decl: str) -> tuple[str, str]:
    """'const char *name' -> ('const char *', 'name')."""
    match = re.fullmatch(r"\s*(.*?)\s*\b(\w+)\s*", decl, re.S)
    assert match is not None, decl
    return match.group(1), match.group(2)


def header_functions(header: str) -> dict[str, tuple[Any, list[Any]]]:
    functions = {}
    code = re.sub(r"^\s*#[^\n]*", " ", header, flags=re.M)  # no preprocessor lines
    for ret, name, params in re.findall(r"([\w\s\*]+?)\b(lcbot_\w+)\s*\(([^()]*)\)\s*;", code):
        if name in ("lcbot_token_provider", "lcbot_notice_handler"):
            continue
        args = [] if params.strip() in ("", "void") else [ctype_of(split_declaration(p)[0]) for p in params.split(",")]
        functions[name] = (ctype_of(ret), args)
    return functions


def test_every_function_of_the_header_is_declared_as_the_header_says(header: str) -> None:
    theirs = header_functions(header)
    ours = {**_ffi._SIGNATURES, **_ffi._EMULATOR_SIGNATURES}
    assert set(theirs) == set(ours), (
        f"only in the header: {sorted(set(theirs) - set(ours))}; only in Python: {sorted(set(ours) - set(theirs))}"
    )
    for name, (restype, argtypes) in theirs.items():
        assert ours[name] == (restype, argtypes), f"{name}: header says {(restype, argtypes)}, Python {ours[name]}"


def test_the_loaded_functions_carry_those_declarations() -> None:
    for name, (restype, argtypes) in {**_ffi._SIGNATURES, **_ffi._EMULATOR_SIGNATURES}.items():
        fn = getattr(_ffi.lib, name)
        assert fn.argtypes == argtypes, name
        assert fn.restype is restype, name


def test_callback_types_follow_the_header(header: str) -> None:
    for typedef, ours in (("lcbot_token_provider", _ffi.TokenProvider), ("lcbot_notice_handler", _ffi.NoticeHandler)):
        match = re.search(rf"typedef\s+([\w\s\*]+?)\s*\(\s*\*\s*{typedef}\s*\)\s*\(([^()]*)\)\s*;", header)
        assert match is not None, f"no typedef of {typedef}"
        args = [ctype_of(split_declaration(p)[0]) for p in match.group(2).split(",")]
        assert ours._restype_ is ctype_of(match.group(1)), typedef
        assert list(ours._argtypes_) == args, typedef


def test_call_options_struct_has_the_headers_layout(header: str) -> None:
    match = re.search(r"typedef\s+struct\s+lcbot_call_options\s*\{(.*?)\}\s*lcbot_call_options\s*;", header, re.S)
    assert match is not None, "no lcbot_call_options struct in the header"
    fields = [split_declaration(d) for d in match.group(1).split(";") if d.strip()]
    assert [(name, ctype_of(c_type)) for c_type, name in fields] == list(_ffi.CallOptions._fields_)


def test_webhook_options_struct_has_the_headers_layout(header: str) -> None:
    match = re.search(
        r"typedef\s+struct\s+lcbot_webhook_options\s*\{(.*?)\}\s*lcbot_webhook_options\s*;", header, re.S
    )
    assert match is not None, "no lcbot_webhook_options struct in the header"
    fields = [split_declaration(d) for d in match.group(1).split(";") if d.strip()]
    assert [(name, ctype_of(c_type)) for c_type, name in fields] == list(_ffi.WebhookOptions._fields_)


def test_every_call_takes_options_before_its_out_parameter() -> None:
    options = ctypes.POINTER(_ffi.CallOptions)
    calls = [n for n in _ffi._SIGNATURES if n.startswith(("lcbot_create", "lcbot_remove", "lcbot_update", "lcbot_get"))]
    not_calls = ("lcbot_bot_new", "lcbot_bot_free", "lcbot_bot_submit")
    bot_calls = [n for n in _ffi._SIGNATURES if n.startswith("lcbot_bot_") and n not in not_calls]
    admin = [f"lcbot_{a}" for a in ("issue_bot_token", "reset_bot_secret", "register_webhook", "list_webhooks", "unregister_webhook")]
    submits = ["lcbot_client_submit", "lcbot_bot_submit"]
    assert len(bot_calls) == 19  # the 18 typed actions and lcbot_bot_call
    for name in [*calls, "lcbot_call", *bot_calls, *admin, *submits]:
        argtypes = _ffi._SIGNATURES[name][1]
        assert argtypes[-2:] == [options, ctypes.POINTER(ctypes.c_void_p)], name
