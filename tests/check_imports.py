#!/usr/bin/env python3
"""The floor plan of src/, checked: imports flow one way.

- Between rooms, only the edges below (a leaf uses only leaves; `http`
  knows no API room; `configuration` no other room; ...).
- Between the files of the whole crate, no circle: every file can be read
  with only what it imports, and those without it.
- The command line reaches the library through its curated surface only
  (`livechat_bots::Name`, never `livechat_bots::module::...`).

A reference is a `crate::a::b` or `super::b` path in the code (tests blocks
excluded); `crate::Name` of a re-export resolves through lib.rs.
Usage: check_imports.py [SRC_DIR]   (exits 1 and prints each breach)
"""

import re
import sys
from pathlib import Path

LEAVES = {"error", "json", "secret", "validate", "version"}
# Which rooms a room may import, besides itself and the leaves.
ALLOWED = {
    "leaf": set(),
    "http": set(),
    "webhooks": set(),
    "configuration": {"http"},
    "agent_chat": {"configuration", "http"},
    "queue": {"configuration", "agent_chat", "http"},
    "emulator": {"configuration", "agent_chat", "webhooks", "http"},
    "ffi": {"configuration", "agent_chat", "webhooks", "http", "emulator", "queue"},
}


def module_of(path: Path, src: Path) -> tuple:
    """src/http/client.rs -> ("http", "client"); src/emulator/mod.rs -> ("emulator",)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    return tuple(parts)


def code_of(path: Path) -> str:
    text = path.read_text()
    # Unit tests may reach anywhere; only the module's own code counts.
    cut = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod tests\b", text, re.M)
    text = text[: cut.start()] if cut else text
    # Comments name modules too ("see crate::x"); drop them.
    return re.sub(r"//[^\n]*", "", text)


def reexports(lib: str) -> dict:
    """Name -> the module path lib.rs re-exports it from."""
    names = {}
    for m in re.finditer(r"pub use ((?:\w+::)+)\{?([^;]*?)\}?;", lib, re.S):
        base = tuple(m.group(1).strip(":").split("::"))
        for item in m.group(2).split(","):
            item = item.strip()
            if not item:
                continue
            words = item.split()
            path = tuple(words[0].split("::"))
            names[words[-1]] = base + path[:-1]
    return names


def references(module: tuple, code: str, files: set, names: dict) -> set:
    """The files (module tuples) this code refers to."""
    found = set()
    # `crate::a::b::{c, d}` and `super::x`: take the longest prefix that is a file.
    for m in re.finditer(r"\b(crate|super)((?:::\w+)+)(::\{([^}]*)\})?", code):
        head, rest, group = m.group(1), m.group(2).strip(":").split("::"), m.group(4)
        if head == "crate":
            base = []
        else:
            # super:: of a mod.rs is the parent folder's module; of x.rs, its folder's.
            base = list(module[:-1])
        tails = [rest]
        if group:
            tails = [rest + [g.strip().split("::")[0]] for g in group.split(",") if g.strip()]
        for parts in tails:
            if head == "crate" and len(parts) == 1 and parts[0] in names:
                parts = list(names[parts[0]]) + parts
            path = tuple(base + parts)
            while path and path not in files:
                path = path[:-1]
            if path and path != module:
                found.add(path)
    # A folder's mod.rs names its children without a prefix (`server::Shared`).
    for m in re.finditer(r"(?<![\w:])(\w+)::", code):
        child = module + (m.group(1),)
        if child in files:
            found.add(child)
    return found


def room(module: tuple) -> str:
    if len(module) == 1 and module[0] in LEAVES:
        return "leaf"
    return module[0]


def cycles(graph: dict) -> list:
    """Each strongly connected set of two or more files (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    names = reexports((src / "lib.rs").read_text())
    paths = [p for p in src.rglob("*.rs") if p.name != "lib.rs" and "bin" not in p.relative_to(src).parts]
    files = {module_of(p, src): p for p in paths}
    graph = {m: references(m, code_of(p), set(files), names) for m, p in files.items()}
    problems = []
    for m, targets in sorted(graph.items()):
        for t in sorted(targets):
            a, b = room(m), room(t)
            if a != b and b != "leaf" and b not in ALLOWED[a]:
                problems.append(f"{'/'.join(m)} imports {'/'.join(t)}: room {a} may not import room {b}")
    for part in cycles(graph):
        problems.append("a circle of imports: " + " -> ".join("/".join(m) for m in part))
    for p in sorted((src / "bin").rglob("*.rs")):
        for n, line in enumerate(p.read_text().splitlines(), 1):
            if re.search(r"livechat_bots::[a-z_]+::", line):
                problems.append(f"{p}:{n}: the command line names a module path: {line.strip()}")
    for line in problems:
        print(line)
    edges = sum(len(t) for t in graph.values())
    print(f"check_imports: {len(files)} files, {edges} imports, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
