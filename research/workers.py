"""Running the report's brands in parallel, and stopping cleanly.

Work runs in a standard-library process pool (``concurrent.futures``, spawned workers).
Each worker dies with its parent: on Linux the kernel sends it SIGKILL when the parent
dies (``prctl(PR_SET_PDEATHSIG)``), and everywhere a watchdog thread ends it when its
parent process changes. On SIGINT or SIGTERM the parent cancels what has not started,
terminates the workers and raises :class:`Interrupted`, which the command line turns into
one line and exit status 130 or 143.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from research.errors import Interrupted

#: Most worker processes a report starts (each holds the engine, about 0.3 GB).
MAX_WORKERS = 2
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Worker initialiser: die when the parent dies; leave SIGINT to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _call(fn: Callable[[Any], Any], job: Any) -> Any:
    """Return ``fn(job)`` in a worker; an error that cannot travel back to the parent
    (not picklable) is sent as a RuntimeError carrying its traceback."""
    try:
        return fn(job)
    except Exception as err:
        try:
            pickle.dumps(err)
        except Exception:
            raise RuntimeError(f"{type(err).__name__}: {err}\n{traceback.format_exc()}") from None
        raise


@contextlib.contextmanager
def _signals_raise():
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` in the main thread."""

    stopped = []

    def handler(signum, frame):
        # Only the first signal stops the run: later ones (a second Ctrl-C) are ignored
        # until the process exits, so the clean-up they would cut short always finishes.
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)
        stopped.append(signum)
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        if not stopped:
            for s, h in old.items():
                signal.signal(s, h)


def run(
    fn: Callable[[Any], Any], jobs: Sequence[Any], on_done: Callable[[Any], None] | None = None
) -> list[Any]:
    """Return ``[fn(job) for job in jobs]``, in job order, computed in worker processes.

    One job (or one CPU) runs in this process. Raises the first job's error, or
    :class:`Interrupted` on SIGINT/SIGTERM after stopping every worker.
    """
    n = min(len(jobs), os.cpu_count() or 1, MAX_WORKERS)
    with _signals_raise():
        if n <= 1:
            out = []
            for job in jobs:
                out.append(fn(job))
                if on_done:
                    on_done(out[-1])
            return out
        ctx = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            max_workers=n, mp_context=ctx, initializer=_die_with_parent, initargs=(os.getpid(),)
        )
        try:
            futures = [pool.submit(_call, fn, job) for job in jobs]
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    result = fut.result()
                    if on_done:
                        on_done(result)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            for child in multiprocessing.active_children():
                with contextlib.suppress(OSError):
                    child.terminate()
            for child in multiprocessing.active_children():
                child.join(timeout=5)
            raise
        pool.shutdown(wait=True)
        return [f.result() for f in futures]
