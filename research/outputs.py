"""Output folders: checked before any work, built beside their final place, swapped in whole.

Rules (every refusal is one :class:`~research.errors.InputError` line naming the path):

* ``--out`` must be a folder that can be created and written to; ``--out ""`` is refused;
  a folder that already holds files must carry this toolkit's marker file
  (:data:`MARKER`), so a user's own folder (and its ``index.html``) is never written into;
* a brand's folder, if it exists, must be a real folder (not a file, not a symbolic link)
  that this toolkit wrote (it holds the marker); nothing is written through a link;
* a brand is built in a temporary folder beside its final place and swapped in whole, so
  an interrupted run leaves the previous folder or the new one, and an old page can never
  survive beside a new scorecard; files a user added to a brand's folder (that the toolkit
  does not write) are carried over into the new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from research.errors import InputError
from research.files import write_atomic
from research.paths import display

#: The file this toolkit leaves in every folder it writes, to recognise them later.
MARKER = ".wechat-mp-research"
MARKER_TEXT = "Written by wechat-mp-research; its report may replace what it wrote here.\n"
#: Prefixes of the folders a run builds in and retires (removed when a run is interrupted).
STAGING_PREFIX = ".building-"
RETIRED_PREFIX = ".retired-"


def _probe_writable(folder: Path, what: str) -> None:
    """Raise unless a file can be created in ``folder`` (permissions, read-only disks)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(f"{what}: {display(folder)} cannot be written to ({reason})") from None


def check_out_root(arg: str | None, default: Path) -> Path:
    """Return the output folder, created if needed, after checking it can be used."""
    if arg is not None and not str(arg).strip():
        raise InputError("--out: an empty path is not a folder (give one, e.g. --out out/)")
    try:
        path = Path(arg).expanduser() if arg is not None else default
    except RuntimeError:  # '~user/...' of a user this machine does not know
        raise InputError(f"--out: {arg}: the home folder of '~' cannot be found") from None
    _check_path_shape(path)
    try:
        exists = path.exists()
        if exists and not path.is_dir():
            raise InputError(f"--out: {display(path)} exists and is not a folder")
        if not exists:
            parent = next((p for p in path.absolute().parents if p.exists()), None)
            if parent is not None and not parent.is_dir():
                raise InputError(
                    f"--out: {display(parent)} is a file, so {display(path)} cannot be made"
                )
            path.mkdir(parents=True)
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            raise InputError(f"--out: the path is too long ({len(str(path))} characters)") from None
        reason = err.strerror or type(err).__name__
        raise InputError(f"--out: {display(path)} cannot be made ({reason})") from None
    _probe_writable(path, "--out")
    entries = [e for e in os.listdir(path) if not e.startswith(".probe-")]
    if entries and MARKER not in entries:
        raise InputError(
            f"--out: {display(path)} holds files this toolkit did not write (no {MARKER} "
            "marker); choose an empty or new folder"
        )
    write_atomic(path / MARKER, MARKER_TEXT)
    return path.resolve()


#: Longest folder name and path the usual file systems take (POSIX NAME_MAX, PATH_MAX).
NAME_MAX, PATH_MAX = 255, 4096


def _check_path_shape(path: Path) -> None:
    """Raise before anything is made when ``path`` cannot be made whole: a name too long, or
    a '..' after a folder that does not exist (making it would leave that folder behind)."""
    long = next((part for part in path.parts if len(os.fsencode(part)) > NAME_MAX), None)
    if long is not None:
        raise InputError(f"--out: the folder name '{long[:40]}...' is longer than {NAME_MAX} bytes")
    if len(os.fsencode(str(path))) >= PATH_MAX:
        raise InputError(f"--out: the path is too long ({len(str(path))} characters)")
    for i, part in enumerate(path.parts):
        before = Path(*path.parts[:i])
        if part == ".." and i and not before.exists():
            raise InputError(
                f"--out: {display(before)} does not exist, so {display(path)} cannot be made"
            )


def check_brand_folders(out_root: Path, slugs: Sequence[str]) -> None:
    """Raise unless every brand's folder is free: absent, or a real folder this toolkit wrote."""
    for slug in slugs:
        folder = out_root / slug
        if folder.is_symlink():
            raise InputError(
                f"{display(folder)}: is a symbolic link; the report never writes through links "
                "(remove it)"
            )
        if folder.exists() and not folder.is_dir():
            raise InputError(f"{display(folder)}: is a file where the brand's folder goes; move it")
        if folder.is_dir() and not (folder / MARKER).is_file():
            raise InputError(
                f"{display(folder)}: exists and was not written by this toolkit; move it away"
            )


def check_index(out_root: Path) -> None:
    """Raise when ``index.html`` in ``out_root`` is not a regular file the toolkit may replace."""
    index = out_root / "index.html"
    if index.is_symlink() or (index.exists() and not index.is_file()):
        raise InputError(f"{display(index)}: is not a regular file; move it away")


def write_index(out_root: Path, text: str) -> Path:
    """Write ``index.html`` into the checked output folder (atomically)."""
    return write_atomic(out_root / "index.html", text)


@dataclass(frozen=True)
class Staging:
    """A brand folder being built (``path``) and where it goes when done (``final``)."""

    path: Path
    final: Path


@contextlib.contextmanager
def brand_folder(out_root: Path, slug: str) -> Iterator[Staging]:
    """Yield a fresh folder to build brand ``slug`` in; swap it into ``out_root/slug`` when
    the block succeeds (the old folder retired and removed), remove it when it fails."""
    final = out_root / slug
    path = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{slug}-", dir=out_root))
    # mkdtemp makes the folder private (0700); a brand folder is as readable as the folder
    # it lives in, so a colleague or a web server can open the page the index links to.
    os.chmod(path, out_root.stat().st_mode & 0o777)
    try:
        yield Staging(path, final)
        write_atomic(path / MARKER, MARKER_TEXT)
        retired = None
        if final.is_symlink() or (final.exists() and not final.is_dir()):
            raise InputError(f"{display(final)}: changed while the report ran; not replaced")
        if final.exists():
            retired = Path(tempfile.mkdtemp(prefix=f"{RETIRED_PREFIX}{slug}-", dir=out_root))
            os.rename(final, retired / slug)
        os.rename(path, final)
        if retired is not None:
            _retire(retired, out_root)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def _retire(retired: Path, out_root: Path) -> None:
    """Remove a retired brand folder (``retired/<slug>``) once its replacement is in place:
    put it back whole when the swap stopped before the new one arrived, and otherwise move
    what the new folder lacks (a user's own notes; the toolkit writes every file of its
    own anew) into it first, so no user file is lost."""
    for slug in os.listdir(retired):
        old, new = retired / slug, out_root / slug
        with contextlib.suppress(OSError):
            if not os.path.lexists(new):
                os.rename(old, new)
                continue
            if new.is_dir() and not new.is_symlink():
                for entry in os.listdir(old):
                    if not os.path.lexists(new / entry):
                        os.rename(old / entry, new / entry)
    shutil.rmtree(retired, ignore_errors=True)


def remove_unfinished(out_root: Path) -> None:
    """Remove what an interrupted or killed run left unfinished: folders still being built,
    and retired folders (put back, or their user files carried over, by :func:`_retire`).
    A report calls it before it starts too, for what a killed run (SIGKILL) left."""
    with contextlib.suppress(OSError):
        for entry in os.listdir(out_root):
            if entry.startswith(RETIRED_PREFIX):
                _retire(out_root / entry, out_root)
            elif entry.startswith(STAGING_PREFIX):
                shutil.rmtree(out_root / entry, ignore_errors=True)
            elif entry.startswith(".") and entry.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(out_root / entry)
