"""Local ``path`` inputs, sent the way the .NET command line sends them.

A folder becomes a content-addressed bundle: a deterministic GNU tar (sorted entries, folders with a
trailing ``/``, zeroed times and owners, empty user and group names, mode 644 or 755), named by the
SHA-256 of the uncompressed tar and uploaded gzipped with ``PUT /api/inputs/{sha256}``; the input becomes
``{"bundle": sha256}``. A file becomes inline ``{"base64": ...}``. The tar is written here byte for byte
as .NET's ``TarWriter`` in GNU format writes it (Python's ``tarfile`` pads to 10 KiB records and formats
some fields differently), so the same folder gives the same hash from either client and a resubmitted
batch is the same batch.

Paths are relative to the batch file's folder (or the ``base_dir`` of a dict document) and may neither
leave it nor pass through a symbolic link; links inside a bundled folder are refused too.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from .errors import BundleError

EXCLUDED_FOLDERS: tuple[str, ...] = (".git", "node_modules", "__pycache__", ".venv")
"""Folder names left out at any depth of a bundled folder."""

MAX_TAR_BYTES = 2 * 1024 * 1024 * 1024
"""The largest uncompressed tar bundled (as the .NET client)."""

_BLOCK = 512
_FILE_MODE = 0o644
_EXECUTABLE_MODE = 0o755
_FOLDER_MODE = 0o755
_LONG_NAME = b"././@LongLink"


@dataclass(frozen=True)
class Bundle:
    """A bundle built from a local folder, waiting in a temporary file to be uploaded."""

    input: str
    """Which input it is, for messages (e.g. ``task 'lint', input 'repo'``)."""
    sha256: str
    """Lowercase hex SHA-256 of the uncompressed tar: the bundle's name."""
    gzip_path: str
    """The tar.gz file (deleted by :meth:`PathInputs.delete_bundles`)."""
    tar_bytes: int
    """Size of the uncompressed tar."""
    gzip_bytes: int
    """Size of the tar.gz."""


@dataclass
class PathInputs:
    """Rewrites the ``path`` inputs of a batch document against ``root`` (the batch file's folder)."""

    root: str
    bundles: list[Bundle] = field(default_factory=list)
    _done: dict[str, dict[str, str]] = field(default_factory=dict)

    def rewrite(self, document: dict[str, Any]) -> int:
        """Rewrites every lone ``{"path": ...}`` input of ``defaults.inputs`` and ``tasks[*].inputs`` in place.

        Returns how many inputs were rewritten. Raises :class:`BundleError` for a path that leaves the
        folder, goes through a link or does not exist.
        """
        count = 0
        defaults = document.get("defaults")
        if isinstance(defaults, dict):
            count += self._rewrite_inputs(defaults.get("inputs"), "defaults")
        tasks = document.get("tasks")
        if isinstance(tasks, list):
            for i, task in enumerate(tasks):
                if isinstance(task, dict):
                    task_id = task.get("id")
                    where = f"task '{task_id}'" if isinstance(task_id, str) else f"tasks[{i}]"
                    count += self._rewrite_inputs(task.get("inputs"), where)
        return count

    def delete_bundles(self) -> None:
        """Deletes the temporary bundle files."""
        for bundle in self.bundles:
            try:
                os.remove(bundle.gzip_path)
            except FileNotFoundError:
                pass

    def _rewrite_inputs(self, inputs: Any, where: str) -> int:
        if not isinstance(inputs, dict):
            return 0
        count = 0
        for name, value in list(inputs.items()):
            # Only a lone, well-formed path: anything else goes to the server as written, which names the problem.
            if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("path"), str) and value["path"]:
                inputs[name] = copy.deepcopy(self._replacement(f"{where}, input '{name}'", value["path"]))
                count += 1
        return count

    def _replacement(self, input_name: str, relative: str) -> dict[str, str]:
        full = self._resolve(input_name, relative)
        known = self._done.get(full)
        if known is not None:
            return known
        if os.path.isfile(full):
            with open(full, "rb") as handle:
                replacement = {"base64": base64.b64encode(handle.read()).decode("ascii")}
        elif os.path.isdir(full):
            # The folder's children at the bundle's root: the runner unpacks a bundle input into input/{name}/.
            entries = []
            with os.scandir(full) as children:
                for child in children:
                    if child.is_dir(follow_symlinks=False) and child.name in EXCLUDED_FOLDERS:
                        continue
                    entries.append((child.name, child.path))
            sha, gzip_path, tar_bytes, gzip_bytes = build_bundle(entries)
            self.bundles.append(Bundle(input_name, sha, gzip_path, tar_bytes, gzip_bytes))
            replacement = {"bundle": sha}
        else:
            raise BundleError(
                f"{input_name}: {relative} does not exist (paths are relative to the batch file's folder, {self.root}).")
        self._done[full] = replacement
        return replacement

    def _resolve(self, input_name: str, relative: str) -> str:
        full_root = os.path.abspath(self.root).rstrip(os.sep) + os.sep
        full = os.path.abspath(os.path.join(full_root, relative))
        if not (full + os.sep).startswith(full_root):
            raise BundleError(
                f"{input_name}: {relative} is outside the batch file's folder ({full_root.rstrip(os.sep)}), as it would be for run.")
        # A link on the way (root/link -> /etc) would lead outside the folder while the string stays inside.
        walked = full_root.rstrip(os.sep)
        rest = full[len(full_root):] if len(full) > len(full_root) else ""
        for segment in (s for s in rest.split(os.sep) if s):
            walked = os.path.join(walked, segment)
            if os.path.islink(walked):
                raise BundleError(f"{input_name}: {relative} goes through a link ({walked}); links are not followed.")
        return full.rstrip(os.sep)


def build_bundle(entries: list[tuple[str, str]]) -> tuple[str, str, int, int]:
    """Builds a bundle of named local files or folders.

    ``entries`` are ``(name in the bundle, local path)`` pairs. Returns the SHA-256 of the uncompressed
    tar, the path of a temporary tar.gz (the caller deletes it), and both sizes.
    """
    items = _collect(entries)
    with tempfile.TemporaryFile() as tar:
        digest = hashlib.sha256()
        tar_bytes = write_tar(items, _HashingWriter(tar, digest))
        if tar_bytes > MAX_TAR_BYTES:
            raise BundleError(f"The inputs come to {tar_bytes} bytes uncompressed; at most {MAX_TAR_BYTES} are bundled.")
        tar.seek(0)
        handle, gzip_path = tempfile.mkstemp(suffix=".tar.gz")
        try:
            with os.fdopen(handle, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
                shutil.copyfileobj(tar, zipped)
        except BaseException:
            os.remove(gzip_path)
            raise
    return digest.hexdigest(), gzip_path, tar_bytes, os.path.getsize(gzip_path)


def tar_bytes_of(entries: list[tuple[str, str]]) -> bytes:
    """The uncompressed tar a bundle of ``entries`` holds (for checks and tests; bundles stream to disk)."""
    with tempfile.TemporaryFile() as tar:
        write_tar(_collect(entries), tar)
        tar.seek(0)
        return tar.read()


def folder_entries(folder: str) -> list[tuple[str, str]]:
    """The entries a bundle of ``folder`` is built from: its children, less excluded folders (as for a path input)."""
    with os.scandir(folder) as children:
        return [(c.name, c.path) for c in children if not (c.is_dir(follow_symlinks=False) and c.name in EXCLUDED_FOLDERS)]


class _HashingWriter:
    """Writes to a file and a hash at once."""

    def __init__(self, target: IO[bytes], digest: Any) -> None:
        self._target = target
        self._digest = digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._target.write(data)


def _collect(entries: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """Every tar entry as (name, local file or None for a folder), in ordinal (UTF-16 code unit) order."""
    items: list[tuple[str, str | None]] = []
    folders: set[str] = set()
    for name, path in entries:
        _add_parents(folders, name)
        if os.path.islink(path):
            raise BundleError(f"Input '{name}' is a link ({path}); links are not bundled.")
        if os.path.lexists(path) and not os.path.isdir(path):
            items.append((name, path))
            continue
        if not os.path.isdir(path):
            raise BundleError(f"Input '{name}': {path} does not exist.")
        folders.add(name)
        _walk(items, folders, name, path)
    items.extend((f + "/", None) for f in folders)
    # .NET sorts with string.CompareOrdinal: UTF-16 code units, which big-endian UTF-16 bytes order the same way.
    items.sort(key=lambda item: item[0].encode("utf-16-be", "surrogatepass"))
    for previous, current in zip(items, items[1:]):
        if previous[0] == current[0]:
            raise BundleError(f"Two inputs write '{current[0]}'.")
    return items


def _walk(items: list[tuple[str, str | None]], folders: set[str], prefix: str, folder: str) -> None:
    with os.scandir(folder) as children:
        for child in children:
            name = prefix + "/" + child.name
            if child.is_symlink():
                raise BundleError(f"{child.path} is a link; links are not bundled (remove it or exclude its folder).")
            if child.is_dir(follow_symlinks=False):
                if child.name in EXCLUDED_FOLDERS:
                    continue
                folders.add(name)
                _walk(items, folders, name, child.path)
            else:
                items.append((name, child.path))


def _add_parents(folders: set[str], name: str) -> None:
    slash = name.find("/")
    while slash > 0:
        folders.add(name[:slash])
        slash = name.find("/", slash + 1)


def write_tar(items: list[tuple[str, str | None]], output: Any) -> int:
    """Writes the tar of ``items`` (already sorted) to ``output``; returns its size in bytes."""
    written = 0
    for name, path in items:
        if path is None:
            written += _write_entry(output, name, _FOLDER_MODE, b"5", None, 0)
            continue
        executable = os.name != "nt" and bool(os.lstat(path).st_mode & stat.S_IXUSR)
        with open(path, "rb") as data:
            size = os.fstat(data.fileno()).st_size
            written += _write_entry(output, name, _EXECUTABLE_MODE if executable else _FILE_MODE, b"0", data, size)
    output.write(bytes(2 * _BLOCK))
    return written + 2 * _BLOCK


def _write_entry(output: Any, name: str, mode: int, kind: bytes, data: BinaryIO | None, size: int) -> int:
    encoded = name.encode("utf-8", "surrogateescape")
    written = 0
    if len(encoded) > 100:
        # GNU long name: a '././@LongLink' entry of type 'L' whose data is the name and a NUL, then the
        # entry itself with the name cut to 100 bytes (as .NET writes it: owner names 'root', no atime/ctime).
        long_name = encoded + b"\0"
        output.write(_header(_LONG_NAME, _FILE_MODE, len(long_name), b"L", owner=b"root", gnu_times=False))
        output.write(long_name + bytes(_padding(len(long_name))))
        written += _BLOCK + len(long_name) + _padding(len(long_name))
    output.write(_header(encoded[:100], mode, size, kind, owner=b"", gnu_times=True))
    written += _BLOCK
    if data is not None:
        copied = 0
        while chunk := data.read(1024 * 1024):
            output.write(chunk)
            copied += len(chunk)
        if copied != size:
            raise BundleError(f"{data.name} changed while it was bundled.")
        output.write(bytes(_padding(size)))
        written += size + _padding(size)
    return written


def _padding(size: int) -> int:
    return (-size) % _BLOCK


def _octal(value: int, length: int) -> bytes:
    """A numeric field as .NET formats it: octal digits right-aligned with leading zeros, then a NUL."""
    digits = format(value, "o").encode("ascii")
    if len(digits) > length - 1:
        raise BundleError(f"{value} does not fit a tar header field.")
    return digits.rjust(length - 1, b"0") + b"\0"


def _header(name: bytes, mode: int, size: int, kind: bytes, owner: bytes, gnu_times: bool) -> bytes:
    header = bytearray(_BLOCK)
    header[0:len(name)] = name
    header[100:108] = _octal(mode, 8)
    header[108:116] = _octal(0, 8)  # uid
    header[116:124] = _octal(0, 8)  # gid
    header[124:136] = _octal(size, 12)
    header[136:148] = _octal(0, 12)  # mtime: the epoch
    header[156:157] = kind
    header[257:263] = b"ustar "  # GNU magic
    header[263:265] = b" \0"  # GNU version
    header[265:265 + len(owner)] = owner  # uname
    header[297:297 + len(owner)] = owner  # gname
    # devmajor and devminor (329, 337) stay NUL for files and folders.
    if gnu_times:
        header[345:357] = _octal(0, 12)  # atime
        header[357:369] = _octal(0, 12)  # ctime
    # The checksum counts its own field as eight spaces, then is written as six octal digits, NUL, space.
    checksum = sum(header) + 8 * ord(" ")
    header[148:156] = format(checksum, "06o").encode("ascii") + b"\0 "
    return bytes(header)
