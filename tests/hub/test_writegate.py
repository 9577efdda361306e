"""The SQLite write gate serves a process's writers in the order they came."""

from __future__ import annotations

import threading

from hub.writegate import GateTimeout, WriteGate

HANG_S = 10.0  # a hang detector, never a measure


def test_writers_get_the_gate_in_the_order_they_queued() -> None:
    gate = WriteGate()
    gate.acquire(timeout=HANG_S)
    order: list[int] = []
    threads = []
    for n in range(5):
        queued = threading.Event()

        def writer(n: int = n, queued: threading.Event = queued) -> None:
            queued.set()
            gate.acquire(timeout=HANG_S)
            order.append(n)
            gate.release()

        thread = threading.Thread(target=writer)
        thread.start()
        queued.wait(HANG_S)
        while len(gate._queue) < n + 1:  # this writer is in line now
            threading.Event().wait(0.001)
        threads.append(thread)
    gate.release()
    for thread in threads:
        thread.join(HANG_S)
    assert order == [0, 1, 2, 3, 4]


def test_the_holder_may_enter_again_and_a_writer_in_line_can_give_up() -> None:
    gate = WriteGate()
    gate.acquire(timeout=HANG_S)
    gate.acquire(timeout=HANG_S)
    gate.release()
    failed: list[BaseException] = []

    def impatient() -> None:
        try:
            gate.acquire(timeout=0.05)
        except GateTimeout as exc:
            failed.append(exc)

    thread = threading.Thread(target=impatient)
    thread.start()
    thread.join(HANG_S)
    assert len(failed) == 1 and not gate._queue
    gate.release()
    gate.acquire(timeout=HANG_S)  # free again
    gate.release()


def test_a_newcomer_never_slips_in_while_the_gate_is_handed_over() -> None:
    gate = WriteGate()
    gate.acquire(timeout=HANG_S)
    got: list[str] = []

    def waiter() -> None:
        gate.acquire(timeout=HANG_S)
        got.append("waiter")
        gate.release()

    thread = threading.Thread(target=waiter)
    thread.start()
    while not gate._queue:
        threading.Event().wait(0.001)
    gate.release()
    gate.acquire(timeout=HANG_S)  # handed to the waiter: this one queues behind
    got.append("newcomer")
    gate.release()
    thread.join(HANG_S)
    assert got == ["waiter", "newcomer"]
