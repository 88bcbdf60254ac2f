"""The screener for a set of list snapshots, built once and stored, loaded in milliseconds.

Building a :class:`~roundabout.matching.matcher.Screener` over the bundled lists (16,000
entries, 37,000 names, 1.9 million blocking keys with 5 million postings) takes some 15 s: every
name is analysed and indexed. That work depends only on the snapshots and on the code, so it is
done once and stored in a directory beside the store (``<store>.index/<key>/``; another place
with ``$ROUNDABOUT_INDEX_CACHE``, none with ``ROUNDABOUT_INDEX_CACHE=off``). The key is the
SHA-256 of

* each snapshot's id, SHA-256 and entity count: a changed snapshot is another key;
* the bytes of the code and data that determine what the index holds (:data:`INDEX_SOURCES`):
  the whole ``roundabout.matching`` package with its data files (normalisation,
  transliteration, keys, vocabularies, weights, the index itself), the list entry model the
  entries are read into, the module that builds the screener from the store and this module
  (the stored layout); and the installed versions of the libraries the analysis of names
  relies on (:data:`INDEX_LIBRARIES`: their top module's path, size and modification time).
  Changed matching code or data is another key, so a stored index never answers for code that
  would build a different one, while a change anywhere else (the CLI, the API, the analytics,
  the store) keeps it. ``tests/screening/test_stored_index.py`` checks that every module of
  the package that the matcher imports is among these sources.

Loading must not deserialise millions of objects (a pickle of the postings alone loads in
3 s), so the attributes of the screener and of its index are stored by kind, read on demand:

* the postings (a ``dict`` of blocking key -> ``{name id: token mask}``): sorted keys and flat
  arrays, memory-mapped; :class:`Postings` finds a key by its 64-bit hash (a sorted array,
  ``numpy.searchsorted``, keys compared byte for byte) and builds its small dict when asked
  (postings that do not fit 64 bits stay in a plain dict);
* lists of objects (names with their analysed forms, list entries): one pickle per item,
  unpickled on first access (:class:`LazyList`);
* numpy arrays: ``.npy`` files, memory-mapped (read-only: a write would fail, not corrupt);
* lists of numbers: flat arrays, turned back into lists on load; lists of tuples of floats:
  flat arrays, each tuple built on first access (:class:`FloatTuples`);
* the caches (``functools.lru_cache`` of bound methods): recreated empty;
* anything else: pickled.

Nothing here knows the attribute names: what the index holds is found by looking. The test
``tests/screening/test_stored_index.py`` checks that a loaded screener gives the same hits as a
fresh one, on the bundled lists.

The stored files are trusted like the store itself (they are pickles): keep the directory
where only the store's owner can write. A directory is written under a temporary name and
renamed when complete, so a reader never sees half an index; the newest :data:`KEEP` are kept.
"""

from __future__ import annotations

import functools
import hashlib
import json
import mmap
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import is_dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, Final, overload

import numpy as np
import numpy.typing as npt

#: Bumped whenever the layout below changes.
FORMAT: Final = 2
#: Stored indexes kept per store (the newest by modification time).
KEEP: Final = 3
#: Lists and dicts shorter than this are pickled whole (not worth a lazy wrapper).
LAZY_MIN: Final = 1_000
ENV: Final = "ROUNDABOUT_INDEX_CACHE"

_I64_MAX = (1 << 63) - 1


# -- where ------------------------------------------------------------------------------------


#: What determines a stored index besides the snapshots, relative to the ``roundabout``
#: package: a folder stands for every file under it (``.py`` and data alike).
INDEX_SOURCES: Final = (
    "matching",
    "lists/model.py",
    "lists/entity_json.py",
    "lists/relations.py",
    "screening/lists_in_use.py",
    "screening/stored_index.py",
)
#: Libraries whose behaviour shapes the analysed names (transliteration, arrays), by their top
#: module: fingerprinted by the path, size and modification time of that module's file, which
#: an upgrade rewrites (not imported, not read).
INDEX_LIBRARIES: Final = ("rigour", "rapidfuzz", "numpy")


def index_files() -> list[Path]:
    """The files of :data:`INDEX_SOURCES`, sorted (no caches, no compiled files)."""
    root = Path(__file__).resolve().parent.parent  # the roundabout package (no import of it)
    out: list[Path] = []
    for rel in INDEX_SOURCES:
        path = root / rel
        found = sorted(path.rglob("*")) if path.is_dir() else [path]
        out.extend(
            p for p in found if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        )
    return sorted(out)


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 over the files of :data:`INDEX_SOURCES` (name and contents) and the installed
    :data:`INDEX_LIBRARIES`."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in index_files():
        h.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for name in INDEX_LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None or not os.path.exists(origin):
            h.update(f"{name}:absent".encode())
            continue
        st = os.stat(origin)
        h.update(f"{name}:{origin}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def key_for(snapshots: Sequence[tuple[str, str, int]]) -> str:
    """Key of the index of ``snapshots`` ((id, sha256, entity count) each) with this code."""
    doc = {
        "format": FORMAT,
        "code": code_fingerprint(),
        "snapshots": sorted([list(s) for s in snapshots]),
    }
    return hashlib.sha256(json.dumps(doc).encode("utf-8")).hexdigest()


def cache_dir(store_path: Path | None) -> Path | None:
    """Where stored indexes of the store at ``store_path`` go (None: not stored)."""
    env = os.environ.get(ENV, "").strip()
    if env.lower() in ("off", "0", "no", "false"):
        return None
    if env:
        return Path(env)
    if store_path is None:
        return None  # an in-memory store: nothing to keep an index beside
    return store_path.with_name(store_path.name + ".index")


# -- lazy containers --------------------------------------------------------------------------


class _Blob:
    """A read-only memory map of a file (empty files map to nothing)."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            self.data: mmap.mmap | bytes = (
                mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            )

    def __getitem__(self, s: slice) -> bytes:
        return bytes(self.data[s])


class _Keys(Sequence[bytes]):
    """The sorted keys of :class:`Postings`, each as bytes."""

    def __init__(self, blob: _Blob, offsets: npt.NDArray[np.int64]) -> None:
        self.blob, self.offsets, self.n = blob, offsets, len(offsets) - 1

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, i: int) -> bytes: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[bytes]: ...
    def __getitem__(self, i: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.n))]
        return self.blob[int(self.offsets[i]) : int(self.offsets[i + 1])]


class Postings(Mapping[str, dict[int, int]]):
    """Blocking key -> {name id: mask}, read from sorted arrays; each lookup builds a fresh dict
    (callers do not modify it), in the order of the dict that was stored."""

    def __init__(self, folder: Path) -> None:
        self._keys = _Keys(_Blob(folder / "keys.bin"), _mapped(folder / "key_offsets.npy"))
        self._starts = _mapped(folder / "starts.npy")
        self._ids = _mapped(folder / "ids.npy")
        self._masks = _mapped(folder / "masks.npy")
        self._hashes = _mapped(folder / "hashes.npy")
        self._order = _mapped(folder / "order.npy")
        with (folder / "overflow.pickle").open("rb") as f:
            self._overflow: dict[str, dict[int, int]] = pickle.load(f)

    @staticmethod
    def write(folder: Path, postings: Mapping[str, Mapping[int, int]]) -> None:
        """Keys sorted by code point (the order of their UTF-8 bytes, which lookups compare),
        ids and masks flat in that order, each key's in its dict's order."""
        folder.mkdir()
        try:
            overflow: dict[str, dict[int, int]] = {}
            _write_flat(folder, postings, sorted(postings))
        except OverflowError:  # a mask beyond 64 bits (names of 64+ tokens): kept apart
            overflow = {
                k: dict(d)
                for k, d in postings.items()
                if any(not -_I64_MAX <= m <= _I64_MAX for m in d.values())
            }
            _write_flat(folder, postings, sorted(k for k in postings if k not in overflow))
        with (folder / "overflow.pickle").open("wb") as f:
            pickle.dump(overflow, f, protocol=pickle.HIGHEST_PROTOCOL)

    def to_dict(self) -> dict[str, dict[int, int]]:
        """Every posting in a plain dict (a few seconds; pays off over thousands of names)."""
        blob = self._keys.blob[0 : int(self._keys.offsets[-1])]
        offs = self._keys.offsets.tolist()
        starts = self._starts.tolist()
        ids = self._ids.tolist()
        masks = self._masks.tolist()
        out: dict[str, dict[int, int]] = {}
        for i in range(len(offs) - 1):
            a, b = starts[i], starts[i + 1]
            out[blob[offs[i] : offs[i + 1]].decode("utf-8")] = dict(
                zip(ids[a:b], masks[a:b], strict=True)
            )
        out.update((k, dict(d)) for k, d in self._overflow.items())
        return out

    def _find(self, key: str) -> int:
        """Position of ``key`` among the sorted keys (-1: absent), found by its hash; keys
        sharing a hash are told apart by their bytes."""
        kb = key.encode("utf-8")
        h = _hash(kb)
        hashes = self._hashes
        j = int(hashes.searchsorted(np.int64(h)))  # an np.int64: no conversion of the array
        while j < len(hashes) and int(hashes[j]) == h:
            i = int(self._order[j])
            if self._keys[i] == kb:
                return i
            j += 1
        return -1

    def get(self, key: str, default: Any = None) -> Any:
        over = self._overflow.get(key)
        if over is not None:
            return dict(over)
        i = self._find(key)
        if i < 0:
            return default
        a, b = int(self._starts[i]), int(self._starts[i + 1])
        return dict(zip(self._ids[a:b].tolist(), self._masks[a:b].tolist(), strict=True))

    def __getitem__(self, key: str) -> dict[int, int]:
        d: dict[int, int] | None = self.get(key)
        if d is None:
            raise KeyError(key)
        return d

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._overflow or self._find(key) >= 0)

    def __iter__(self) -> Iterator[str]:
        yield from self._overflow
        for i in range(len(self._keys)):
            yield self._keys[i].decode("utf-8")

    def __len__(self) -> int:
        return len(self._keys) + len(self._overflow)


def _write_flat(folder: Path, postings: Mapping[str, Mapping[int, int]], keys: list[str]) -> None:
    encoded = [k.encode("utf-8") for k in keys]
    dicts = [postings[k] for k in keys]
    ids = np.fromiter(chain.from_iterable(d.keys() for d in dicts), dtype=np.int64)
    masks = np.fromiter(chain.from_iterable(d.values() for d in dicts), dtype=np.int64)
    key_off = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(keys)), out=key_off[1:])
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, dicts), dtype=np.int64, count=len(keys)), out=starts[1:])
    (folder / "keys.bin").write_bytes(b"".join(encoded))
    np.save(folder / "key_offsets.npy", key_off)
    np.save(folder / "starts.npy", starts)
    np.save(folder / "ids.npy", ids)
    np.save(folder / "masks.npy", masks)
    hashes = np.fromiter(map(_hash, encoded), dtype=np.int64, count=len(keys))
    order = np.argsort(hashes, kind="stable")
    np.save(folder / "hashes.npy", hashes[order])
    np.save(folder / "order.npy", order.astype(np.int64))


def _hash(key: bytes) -> int:
    """A stable 64-bit hash of a key (Python's own ``hash`` changes with every process)."""
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little", signed=True)


def _mapped(path: Path) -> npt.NDArray[Any]:
    """A ``.npy`` file memory-mapped, as a plain read-only array (a ``np.memmap`` costs a
    Python call on every slice)."""
    arr: npt.NDArray[Any] = np.load(path, mmap_mode="r").view(np.ndarray)
    return arr


class LazyList(Sequence[Any]):
    """A list of objects stored one pickle each, unpickled on first access."""

    def __init__(self, folder: Path) -> None:
        self._blob = _Blob(folder / "items.bin")
        self._offsets = _mapped(folder / "offsets.npy")
        self._n = len(self._offsets) - 1
        self._cache: dict[int, Any] = {}

    @staticmethod
    def write(folder: Path, items: Sequence[Any]) -> None:
        folder.mkdir()
        offsets = np.zeros(len(items) + 1, dtype=np.int64)
        with (folder / "items.bin").open("wb") as f:
            for i, item in enumerate(items):
                b = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                f.write(b)
                offsets[i + 1] = offsets[i] + len(b)
        np.save(folder / "offsets.npy", offsets)

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        item = self._cache.get(i)
        if item is None:
            a, b = int(self._offsets[i]), int(self._offsets[i + 1])
            item = self._cache[i] = pickle.loads(self._blob[a:b])
        return item


class FloatTuples(Sequence[tuple[float, ...]]):
    """A list of tuples of floats kept flat (values and lengths); item ``i`` is built on first
    access (building all 37,000 at load took a fifth of loading an index)."""

    def __init__(self, flat: npt.NDArray[np.float64], lengths: npt.NDArray[np.int64]) -> None:
        self._flat: list[float] = flat.tolist()
        ends = np.cumsum(lengths)
        self._ends: list[int] = ends.tolist()
        self._starts: list[int] = (ends - lengths).tolist()
        self._cache: dict[int, tuple[float, ...]] = {}

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, i: int) -> tuple[float, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[float, ...]]: ...
    def __getitem__(self, i: int | slice) -> tuple[float, ...] | list[tuple[float, ...]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        item = self._cache.get(i)
        if item is None:
            a, b = self._starts[i], self._ends[i]  # IndexError beyond the end, as a list
            item = self._cache[i] = tuple(self._flat[a:b])
        return item


# -- objects, attribute by attribute ----------------------------------------------------------


def _is_lru(value: Any, owner: object) -> bool:
    wrapped = getattr(value, "__wrapped__", None)
    return hasattr(value, "cache_parameters") and getattr(wrapped, "__self__", None) is owner


def _is_postings(value: Any) -> bool:
    """A dict of str -> {int: int} (judged on its first items; :meth:`Postings.write` fails
    on anything that is not an int, and the stored-versus-fresh test checks the rest)."""
    if not isinstance(value, dict) or len(value) < LAZY_MIN:
        return False
    return all(
        type(k) is str
        and type(d) is dict
        and all(type(a) is int and type(b) is int for a, b in d.items())
        for k, d in islice(value.items(), LAZY_MIN)
    )


_SCALARS = (bool, int, float)


def _scalar_kind(value: Any) -> type | None:
    """The one scalar type of a list of Python bools, ints (64-bit) or floats."""
    if not isinstance(value, list) or not value:
        return None
    kind = type(value[0])
    if kind not in _SCALARS or any(type(x) is not kind for x in value):
        return None
    if kind is int and not all(-_I64_MAX <= x <= _I64_MAX for x in value):
        return None
    return kind


def _float_tuples(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= LAZY_MIN
        and all(type(t) is tuple and all(type(x) is float for x in t) for t in value)
    )


def _own_object(value: Any) -> bool:
    """An object of this package with state of its own (stored attribute by attribute)."""
    return (
        hasattr(value, "__dict__")
        and not is_dataclass(value)
        and not isinstance(value, type)
        and type(value).__module__.startswith("roundabout.")
    )


def _write_object(obj: object, folder: Path) -> None:
    folder.mkdir()
    plan: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for name, value in vars(obj).items():
        where = folder / name
        if _is_lru(value, obj):
            method = value.__wrapped__.__func__.__name__
            plan[name] = ["lru", method, value.cache_parameters()["maxsize"]]
        elif _own_object(value):
            _write_object(value, where)
            plan[name] = ["object"]
        elif isinstance(value, np.ndarray) and value.dtype != object:
            np.save(where.with_suffix(".npy"), value)
            plan[name] = ["array"]
        elif _is_postings(value):
            Postings.write(where, value)
            plan[name] = ["postings"]
        elif (kind := _scalar_kind(value)) is not None:
            np.save(where.with_suffix(".npy"), np.array(value, dtype=kind))
            plan[name] = ["scalars"]
        elif _float_tuples(value):
            lengths = np.array([len(t) for t in value], dtype=np.int64)
            flat = np.array([x for t in value for x in t], dtype=np.float64)
            np.save(where.with_suffix(".npy"), flat)
            np.save(folder / f"{name}.lengths.npy", lengths)
            plan[name] = ["float_tuples"]
        elif isinstance(value, list) and len(value) >= LAZY_MIN:
            LazyList.write(where, value)
            plan[name] = ["lazy_list"]
        else:
            rest[name] = value
            plan[name] = ["pickle"]
    with (folder / "rest.pickle").open("wb") as f:
        pickle.dump(rest, f, protocol=pickle.HIGHEST_PROTOCOL)
    cls = type(obj)
    meta = {"class": [cls.__module__, cls.__qualname__], "attributes": plan}
    (folder / "object.json").write_text(json.dumps(meta), encoding="utf-8")


def _class(module: str, qualname: str) -> type[Any]:
    import importlib

    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        raise TypeError(f"{module}.{qualname} is not a class")
    return obj


def _read_object(folder: Path) -> Any:
    meta = json.loads((folder / "object.json").read_text(encoding="utf-8"))
    cls: Any = _class(*meta["class"])
    obj = cls.__new__(cls)
    with (folder / "rest.pickle").open("rb") as f:
        rest: dict[str, Any] = pickle.load(f)
    state: dict[str, Any] = {}
    lrus: list[tuple[str, str, int | None]] = []
    for name, (kind, *args) in meta["attributes"].items():
        where = folder / name
        if kind == "lru":
            lrus.append((name, args[0], args[1]))
        elif kind == "object":
            state[name] = _read_object(where)
        elif kind == "array":
            state[name] = _mapped(where.with_suffix(".npy"))
        elif kind == "postings":
            state[name] = Postings(where)
        elif kind == "scalars":
            state[name] = np.load(where.with_suffix(".npy")).tolist()
        elif kind == "float_tuples":
            state[name] = FloatTuples(
                np.load(where.with_suffix(".npy")), np.load(folder / f"{name}.lengths.npy")
            )
        elif kind == "lazy_list":
            state[name] = LazyList(where)
        elif kind == "pickle":
            state[name] = rest[name]
        else:
            raise ValueError(f"unknown stored attribute kind {kind!r}")
    obj.__dict__.update(state)
    for name, method, maxsize in lrus:
        setattr(obj, name, functools.lru_cache(maxsize=maxsize)(getattr(obj, method)))
    return obj


# -- the screener -----------------------------------------------------------------------------


def materialize(obj: object) -> None:
    """Turn the lazy parts of a loaded screener into plain dicts and lists, in place.

    Reading on demand suits a few names; over thousands, every lookup through the arrays costs
    more than the few seconds this takes once. The data are the same, so caches stay valid.
    """
    for name, value in list(vars(obj).items()):
        if isinstance(value, Postings):
            setattr(obj, name, value.to_dict())
        elif isinstance(value, LazyList | FloatTuples):
            setattr(obj, name, list(value))
        elif _own_object(value):
            materialize(value)


def save(screener: object, root: Path, key: str) -> Path:
    """Store ``screener`` as ``root/key`` (complete or not at all); prune old ones."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / key
    tmp = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=root))
    try:
        _write_object(screener, tmp / "screener")
        (tmp / "FORMAT").write_text(str(FORMAT), encoding="utf-8")
        try:
            tmp.rename(final)
        except OSError:
            if not (final / "FORMAT").exists():
                raise
            # another process stored the same index first: keep theirs
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _prune(root)
    return final


def load(root: Path, key: str) -> Any | None:
    """The screener stored as ``root/key``, or None when there is none."""
    folder = root / key
    if not (folder / "FORMAT").is_file():
        return None
    if (folder / "FORMAT").read_text(encoding="utf-8").strip() != str(FORMAT):
        return None
    os.utime(folder)  # the newest used are the ones kept
    return _read_object(folder / "screener")


def _prune(root: Path) -> None:
    stored = sorted(
        (p for p in root.iterdir() if p.is_dir() and (p / "FORMAT").exists()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in stored[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


def cached(
    store_path: Path | None,
    snapshots: Sequence[tuple[str, str, int]],
    build: Callable[[], Any],
    notify: Callable[[str], None] | None = None,
) -> Any:
    """The stored screener of ``snapshots`` if there is one, else ``build()`` stored.

    A stored index that cannot be read (a file deleted, a class renamed) is rebuilt: the
    fallback is always a fresh build, never an empty or partial index.
    """
    root = cache_dir(store_path)
    if root is None:
        return build()
    key = key_for(snapshots)
    try:
        found = load(root, key)
    except Exception as exc:  # any damage to the stored files: rebuild from the store
        if notify:
            notify(f"stored index {root / key} unreadable ({type(exc).__name__}): rebuilding")
        shutil.rmtree(root / key, ignore_errors=True)
        found = None
    if found is not None:
        return found
    if notify:
        notify("building the list index (once per set of list snapshots)")
    screener = build()
    try:
        save(screener, root, key)
    except OSError as exc:
        if notify:
            notify(f"index not stored ({exc.strerror or exc}): it will be rebuilt next time")
    return screener
