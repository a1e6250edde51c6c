"""What the Python package adds to a call over the C ABI, measured in one process.

    python benches/python/bench_layer.py --url URL [--n 3000] [--rounds 5]

Three loops of ``get_bot_agent_details`` on the same bot of the emulator at
URL (another process, so its CPU is not counted), in alternating rounds so
that the machine's drift hits them alike:

- ``c-abi``: ``lcbot_get_bot_agent_details`` called through ctypes with a
  prepared request and NULL options, the result freed unread: the C ABI
  itself, as cheap as Python can call it;
- ``package``: ``Client.get_bot_agent_details`` with ``interruptible=False``
  (what every call off the main thread does);
- ``package-ctrl-c``: the same on the main thread with Ctrl-C support on
  (the default: a cancel token; SIGINT's handler and the wakeup fd are set
  once while a client is open).

CPU is ``time.process_time()`` (user + system, every thread of this
process), wall is ``time.perf_counter()``. The package's figure minus the
C ABI's is what the package adds. A second measure leaves the network out:
the same package calls against a stand-in C function that only copies the
canned answer (``strdup``), so that what is left is the Python layer alone
(request built, handle counted, C call, answer copied, freed, parsed, turned
into a ``BotAgentDetails``). Prints one JSON document. No assertion.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import statistics
import time
from typing import Any, Callable

from livechat_bots import Client, _ffi


def per_call(fn: Callable[[int], None], n: int) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    fn(n)
    return (time.process_time() - c0) / n * 1e6, (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--n", type=int, default=3000, help="calls per loop and round")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--stub-n", type=int, default=20000)
    a = ap.parse_args()

    lib = _ffi.lib
    with Client("dev-token", api_version="3.6", base_url=a.url, interruptible=False) as plain, \
            Client("dev-token", api_version="3.6", base_url=a.url, interruptible=True) as ctrl_c:
        bot_id = plain.create_bot_agent("bench-layer", max_chats_count=5).bot_agent_id
        request = json.dumps({"bot_agent_id": bot_id}, separators=(",", ":")).encode()
        address = plain._handle._address

        def c_abi(n: int) -> None:
            fn, free, out = lib.lcbot_get_bot_agent_details, lib.lcbot_string_free, ctypes.c_void_p()
            ref = ctypes.byref(out)
            for _ in range(n):
                if fn(address, request, None, ref) != 0:
                    raise RuntimeError("lcbot_get_bot_agent_details failed")
                free(out.value)

        def package(client: Client) -> Callable[[int], None]:
            def loop(n: int) -> None:
                details = client.get_bot_agent_details
                for _ in range(n):
                    details(bot_id)
            return loop

        loops: dict[str, Callable[[int], None]] = {"c-abi": c_abi, "package": package(plain), "package-ctrl-c": package(ctrl_c)}
        for loop in loops.values():
            loop(300)  # warm-up
        network: dict[str, list[tuple[float, float]]] = {k: [] for k in loops}
        for _ in range(a.rounds):
            for name, loop in loops.items():
                network[name].append(per_call(loop, a.n))

        # The Python layer alone: a stand-in for the C function.
        answer = _ffi.call(lib.lcbot_get_bot_agent_details, address, request, None)
        assert answer is not None
        canned = answer.encode()
        libc = ctypes.CDLL(None)
        libc.strdup.restype, libc.strdup.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
        libc.free.restype, libc.free.argtypes = None, [ctypes.c_void_p]

        def stand_in(_client: Any, _request: Any, _options: Any, out: Any) -> int:
            out._obj.value = libc.strdup(canned)
            return 0

        class StubLib:
            lcbot_get_bot_agent_details = staticmethod(stand_in)
            lcbot_string_free = libc.free

            def __getattr__(self, name: str) -> Any:
                return getattr(lib, name)

        def stand_in_alone(n: int) -> None:
            for _ in range(n):
                out = ctypes.c_void_p()
                stand_in(None, None, None, ctypes.byref(out))
                libc.free(out.value)

        # What the stand-in itself costs, taken off the layer's figure below.
        stub_alone = per_call(stand_in_alone, a.stub_n)
        _ffi.lib = StubLib()  # type: ignore[assignment]
        stub: dict[str, list[tuple[float, float]]] = {"package": [], "package-ctrl-c": []}
        try:
            for _ in range(a.rounds):
                stub["package"].append(per_call(package(plain), a.stub_n))
                stub["package-ctrl-c"].append(per_call(package(ctrl_c), a.stub_n))
        finally:
            _ffi.lib = lib
        plain.remove_bot_agent(bot_id)

    def med(xs: list[tuple[float, float]], i: int) -> float:
        return round(statistics.median(x[i] for x in xs), 2)

    doc: dict[str, Any] = {"n": a.n, "rounds": a.rounds, "stub_n": a.stub_n, "network": {}, "python_layer_alone": {}}
    for name, xs in network.items():
        doc["network"][name] = {"cpu_us_per_call": med(xs, 0), "wall_us_per_call": med(xs, 1),
                                "cpu_rounds": [round(x[0], 2) for x in xs]}
    base = doc["network"]["c-abi"]
    for name in ("package", "package-ctrl-c"):
        doc["network"][name]["cpu_us_over_c_abi"] = round(doc["network"][name]["cpu_us_per_call"] - base["cpu_us_per_call"], 2)
        doc["network"][name]["wall_us_over_c_abi"] = round(doc["network"][name]["wall_us_per_call"] - base["wall_us_per_call"], 2)
    for name, xs in stub.items():
        doc["python_layer_alone"][name] = {"cpu_us_per_call": round(med(xs, 0) - stub_alone[0], 2),
                                           "cpu_rounds": [round(x[0], 2) for x in xs]}
    doc["python_layer_alone"]["stand_in_us"] = round(stub_alone[0], 2)
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
