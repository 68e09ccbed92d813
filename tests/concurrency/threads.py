"""Real parallelism for the concurrency suite: threads released together, one connection each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

THREADS = 12


def run_in_parallel(call: Callable[[int], Any], count: int = THREADS) -> list[Any]:
    """Start ``count`` threads together and return what each ``call(i)`` returned.

    Each thread has its own database connection (Django opens one per thread), closed when
    the thread ends.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = call(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
