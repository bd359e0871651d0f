"""Safe files for rnn_lib's models: where a model may be written, atomic writes, and reading without blocking.

``check_writable`` checks a target before a long computation; ``write_atomically``
writes a temporary file beside the target, fsyncs and renames it into place
(``write_file_atomically``: the same for a file of any name, such as a notebook);
``open_regular`` opens a file to read only if it is a regular file, without
ever blocking (a named pipe is refused). The promises are listed in
docs/RELIABILITY.md, "Saving and loading models".
"""

import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import time

try:  # a lock on the temporary file tells a save in progress from one that was killed (POSIX)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

SUFFIX = ".npz"

#: Temporary files of this process's saves are newer; older unlocked ones of a target are leftovers.
_STARTED = time.time()
_TMP_PREFIX = ".rnnlib-"
#: What is not a regular file, in words.
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


class SaveError(OSError):
    """Writing a model file failed (a full disk, a file size limit...): the message names the file."""

    def __str__(self):
        return self.strerror


def _as_str(path):
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"a model path must be a str or os.PathLike, got {type(path).__name__}") from None
    path = os.fsdecode(path) if isinstance(path, bytes) else path
    if "\0" in path:
        raise ValueError(f"the model path {path!r} contains a NUL character")
    return path


def model_path(path):
    """``path`` as a str, with ``.npz`` appended if it lacks it (the file ``save`` writes)."""
    path = _as_str(path)
    if not path:
        raise ValueError("the model path is empty: give a file name such as 'model.npz'")
    return path if _has_suffix(path) else path + SUFFIX


def _has_suffix(path):
    return path.lower().endswith(SUFFIX)


def _kind(mode):
    """``None`` for a regular file, else what it is in words ("a named pipe", "a folder"...)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _size(n):
    return f"{n} bytes" if n < 10 ** 6 else f"{n / 10 ** 6:.1f} MB"


def check_writable(path, nbytes=None):
    """Check that ``save(path, ...)`` can write its file; return that file's path.

    Raises ``ValueError`` with a one-line message if the folder does not exist,
    is not a folder or cannot be written to, if the path is a folder, a device, a
    named pipe (anything but a regular file, also behind a symlink), a symlink
    loop or a read-only file, or, given ``nbytes`` (``expected_size(model,
    vocab)``), if the disk has less free space than that. A symlink is checked
    at its real target. Nothing is left behind. Run it before a long
    computation whose result is to be saved (the command line does, before
    training).
    """
    path, target = _target(path)
    _check_target(path, target, nbytes)
    return path


def _target(path):
    """``(path with .npz, the real file to write)``; ``ValueError`` for a folder, a special file or a loop."""
    raw = _as_str(path)
    if raw:  # what is named as given (``--save /dev/full``) is refused before ".npz" is added
        try:
            kind = _kind(os.stat(raw).st_mode)
        except OSError as e:
            kind = "a symlink loop" if e.errno == errno.ELOOP else None
        if kind == "a folder":
            raise ValueError(f"cannot save to {raw!r}: it is a folder; give a file name such as "
                             f"{os.path.join(raw, 'model.npz')!r}")
        if kind == "a symlink loop":
            raise ValueError(f"cannot save to {raw!r}: it is a symlink loop (the links point at each other)")
        if kind and not _has_suffix(raw):
            raise ValueError(f"cannot save to {raw!r}: it is {kind}, not a regular file; "
                             "a model is written only to a regular file")
    path = model_path(path)
    if not os.path.islink(path):
        return path, path
    try:
        os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ValueError(f"cannot save to {path!r}: it is a symlink loop (the links point at each other)") \
                from None
    return path, os.path.realpath(path)  # write through a link, as open() does, into the real folder


def _check_target(path, target, nbytes=None):
    """``check_writable`` for the file ``target`` (``path`` as the user wrote it, for messages)."""
    folder = os.path.dirname(os.path.abspath(target))
    try:
        mode = os.stat(target).st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ValueError(f"cannot save to {path!r}: it is a symlink loop (the links point at each other)") \
                from None
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise ValueError(f"cannot save to {path!r}: it is a folder; give a file name such as "
                         f"{os.path.join(path, 'model.npz')!r}")
    if mode is not None and _kind(mode):
        real = f" ({target!r})" if target != path else ""
        raise ValueError(f"cannot save to {path!r}{real}: it is {_kind(mode)}, not a regular file; "
                         "a model is written only to a regular file")
    try:
        folder_mode = os.stat(folder).st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ValueError(f"cannot save to {path!r}: the folder {folder!r} is a symlink loop") from None
        if e.errno == errno.ENOTDIR:
            raise ValueError(f"cannot save to {path!r}: {folder!r} is not a folder") from None
        raise ValueError(f"cannot save to {path!r}: the folder {folder!r} does not exist") from None
    if not stat.S_ISDIR(folder_mode):
        raise ValueError(f"cannot save to {path!r}: {folder!r} is not a folder")
    if mode is not None and not os.access(target, os.W_OK):
        raise ValueError(f"cannot save to {path!r}: the file exists and is read-only")
    try:  # the real test: create (and remove) a file where save will create its temporary file
        fd, probe = _create_temporary(folder, os.path.basename(target))
    except OSError as e:
        raise ValueError(f"cannot save to {path!r}: cannot write in the folder {folder!r} "
                         f"({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)
    if nbytes is not None:
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            return
        if free < nbytes:
            raise ValueError(f"cannot save to {path!r}: the model needs about {_size(nbytes)} and the disk holding "
                             f"{folder!r} has only {_size(free)} free")


def temporary_name(name, token):
    """The temporary file's name for the target file ``name``: short and of fixed length, whatever ``name``."""
    digest = hashlib.sha1(os.fsencode(name)).hexdigest()[:10]
    return f"{_TMP_PREFIX}{digest}-{token}.tmp"


def _create_temporary(folder, name):
    """Create a new, empty hidden file next to the target, as ``open`` would (umask applies), and lock it."""
    for _ in range(100):
        tmp = os.path.join(folder, temporary_name(name, secrets.token_hex(4)))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pass
        return fd, tmp
    raise FileExistsError(f"could not create a temporary file in {folder!r}")


def _remove_leftovers(folder, name):
    """Remove the temporary files of the target ``name`` left by a killed save: ours by their name (this
    version's or the earlier ``.NAME.xxxxxxxx.tmp``), older than this process and not locked by a running save."""
    mine = re.compile(re.escape(temporary_name(name, "")[:-len(".tmp")]) + r"[0-9a-f]{8}\.tmp")
    older = re.compile(re.escape(f".{name}.") + r"[0-9a-f]{8}\.tmp")
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if not (mine.fullmatch(entry) or older.fullmatch(entry)):
            continue
        leftover = os.path.join(folder, entry)
        try:
            info = os.lstat(leftover)
            if not stat.S_ISREG(info.st_mode) or info.st_mtime >= _STARTED:
                continue
            fd = os.open(leftover, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError: a save in progress holds it
            os.unlink(leftover)
        except OSError:
            pass
        finally:
            os.close(fd)


def _fsync_folder(folder):
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _save_error(path, e, existed):
    """A one-line ``SaveError`` naming the file, for an ``OSError`` met while writing it."""
    why = {errno.ENOSPC: "the disk is full", errno.EFBIG: "the file is larger than the system's file size limit",
           getattr(errno, "EDQUOT", -1): "the disk quota is used up"}.get(e.errno, "writing failed")
    kept = "the earlier file is unchanged" if existed else "nothing was written"
    return SaveError(e.errno, f"cannot save to {path!r}: {why} ({e.strerror or e}); {kept}")


def write_atomically(path, write):
    """Call ``write(f)`` on a temporary file beside ``path``'s real target, then rename it into place.

    ``path`` gets ".npz" if it lacks it; it is checked first (``check_writable``).
    On any failure the temporary file is removed and an earlier file is left as
    it was; an ``OSError`` becomes a one-line ``SaveError`` naming the file.
    Returns the path (with ".npz").
    """
    path, target = _target(path)
    return _replace(path, target, write)


def write_file_atomically(path, write):
    """``write_atomically`` for a file of any name (a notebook, say): ``path`` is used as given (no ".npz").

    The same promises: checked first, written beside its real target (through a symlink), fsynced and
    renamed into place; on any failure an earlier file is left as it was. Returns the path.
    """
    path = _as_str(path)
    if not path:
        raise ValueError("the path is empty: give a file name")
    return _replace(path, os.path.realpath(path) if os.path.islink(path) else path, write)


def _replace(path, target, write):
    """Write ``target`` (``path`` as the user wrote it, for messages) through a locked temporary file."""
    folder = os.path.dirname(os.path.abspath(target))
    _check_target(path, target)
    _remove_leftovers(folder, os.path.basename(target))
    existed = os.path.exists(target)
    fd, tmp = _create_temporary(folder, os.path.basename(target))
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
            if existed:  # keep the permissions of the file being replaced
                os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
            os.replace(tmp, target)  # still locked: no other save takes it for a leftover
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError) and not isinstance(e, SaveError):
            raise _save_error(path, e, existed) from None
        raise
    _fsync_folder(folder)
    return path


def open_regular(path, error):
    """``path`` opened for reading in binary, if it is a regular file; else ``error(message)`` is raised.

    Never blocks: the file is examined (``stat``) before it is opened, and opened
    with ``O_NONBLOCK``, so a named pipe is refused rather than waited on.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise error(f"model file {path!r} is a symlink loop (the links point at each other)") from None
        if e.errno in (errno.ENOENT, errno.ENOTDIR):
            raise error(f"model file {path!r} does not exist") from None
        raise error(f"model file {path!r} cannot be read: {e.strerror or e}") from None
    if stat.S_ISDIR(mode):
        raise error(f"{path!r} is a folder, not a model file: give the .npz file written by 'save'")
    _refuse_special(path, mode, error)
    try:  # O_NONBLOCK: should a FIFO take the file's place after the stat, opening it does not block
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise error(f"model file {path!r} cannot be read: {e.strerror or e}") from None
    f = os.fdopen(fd, "rb")
    try:
        _refuse_special(path, os.fstat(fd).st_mode, error)
    except BaseException:
        f.close()
        raise
    return f


def _refuse_special(path, mode, error):
    if _kind(mode):
        raise error(f"{path!r} is {_kind(mode)}, not a regular file: a model file is the .npz file "
                    "written by rnn_lib.save")
