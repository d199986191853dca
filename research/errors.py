"""The toolkit's user-facing errors: one line, naming the file, row, field or argument."""

from __future__ import annotations

import signal


class InputError(ValueError):
    """Bad input from a user: a data file, a brand profile or an argument.

    The CLI prints ``str(err)`` as one line on stderr and exits with status 2; in a
    notebook (JupyterLab, papermill) IPython shows the same one line, not a traceback.
    """

    def _render_traceback_(self) -> list[str]:
        """Return the lines IPython shows for this error: its type and message only."""
        return [f"{type(self).__name__}: {self}"]


class DataFileError(InputError):
    """A data file in ``datasets/`` is missing, malformed or fails its schema."""


class ProfileError(InputError):
    """A brand profile is missing, malformed or holds a value outside what is allowed."""


def closest(word: str, allowed: list[str] | tuple[str, ...]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest allowed name, or ``""``."""
    import difflib

    match = difflib.get_close_matches(str(word), [str(a) for a in allowed], n=1, cutoff=0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""


class Interrupted(Exception):
    """The run was stopped by a signal; ``status`` is the exit status to use (130, 143)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.status = 128 + signum
