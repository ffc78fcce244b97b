"""Results of pure computations and drawn charts kept between report runs (issue 18).

When one team's observations change, the county overview is rebuilt, but 99 of its 100 team
summaries and all of its Kolada charts are what they were. :func:`cached` looks a call up by
the hash of everything it depends on — the function (by module and name), its arguments and the
report language — in a folder named by the hash of the package code and the report settings
(``runner.plan.code_hash``), so a code or settings change never reuses an old result.

Only ``workbook run`` turns it on: it sets :data:`ENV` for the kernels it starts to
``<processed_dir>/memo/<code hash>`` and removes the folders of other code versions. A notebook
run by hand (JupyterLab, papermill, the tests) computes everything, as before.

Wrap only functions whose result depends on nothing but their arguments (and the language):
no file reads, no clock, no randomness without a seed argument. Arguments that cannot be
pickled (a lambda) are computed without the cache.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["ENV", "cached", "call_key", "location"]

#: The environment variable that names the folder of this code version's results.
ENV = "WORKBOOK_MEMO_DIR"

T = TypeVar("T")

# A result file that cannot be read back (a run killed while another process wrote it, a
# pandas upgrade without a code change) is computed again and rewritten.
_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, OSError)


def location() -> Path | None:
    """The folder of this code version's results, or None when the cache is off."""
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def call_key(func: Callable, args: tuple, kwargs: dict[str, Any]) -> str | None:
    """The hash of a call: ``func``'s module and qualified name, the arguments, the current report
    language. None when an argument cannot be pickled."""
    from . import text

    what = (
        getattr(func, "__module__", None),
        getattr(func, "__qualname__", None),
        text.get_language(),
        args,
        sorted(kwargs.items()),
    )
    if what[0] is None or what[1] is None or "<lambda>" in what[1] or "<locals>" in what[1]:
        return None
    buffer = io.BytesIO()
    try:
        _KeyPickler(buffer, protocol=5).dump(what)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.sha256(buffer.getvalue()).hexdigest()


class _KeyPickler(pickle.Pickler):
    """Pickles a call for its key: a pandas frame, series or index by its content (columns,
    types, index and values), not by its memory layout — two equal frames, one read from the CSV
    files and one from the processed parquet, pickle differently (their blocks differ)."""

    def reducer_override(self, obj):
        import pandas as pd

        if isinstance(obj, pd.DataFrame | pd.Series | pd.Index):
            return str, (f"{type(obj).__name__}:{_content_digest(obj)}",)
        return NotImplemented


def _content_digest(obj) -> str:
    import pandas as pd

    frame = obj.to_frame() if isinstance(obj, pd.Series | pd.Index) else obj
    digest = hashlib.sha256(
        repr(
            [
                getattr(obj, "name", None),
                [(str(c), str(t)) for c, t in frame.dtypes.items()],
                str(frame.index.dtype),
                len(frame),
            ]
        ).encode()
    )
    try:
        rows = pd.util.hash_pandas_object(frame, index=True, categorize=False)
        digest.update(rows.to_numpy().tobytes())
    except TypeError:  # cells that cannot be hashed (lists): their values, column by column
        digest.update(pickle.dumps(frame.index.tolist(), protocol=5))
        for column in frame.columns:
            digest.update(pickle.dumps(frame[column].tolist(), protocol=5))
    return digest.hexdigest()


def cached(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)``, from the cache when the same call was made before with this code.

    Returns what ``func`` returns. Exceptions of ``func`` are raised, never cached.
    """
    folder = location()
    key = call_key(func, args, kwargs) if folder is not None else None
    if key is None:
        return func(*args, **kwargs)
    path = folder / key[:2] / f"{key}.pickle"
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
        os.utime(path)  # used: kept by the run's clean-up (runner.core.prune_memo)
        return value
    except FileNotFoundError:
        pass
    except _UNREADABLE:
        pass
    value = func(*args, **kwargs)
    _store(path, value)
    return value


def _store(path: Path, value: Any) -> None:
    """Write ``value`` next to ``path`` and rename it into place (a reader never sees half a
    file; two kernels writing the same result both write the same bytes). A result that cannot
    be pickled or a folder that cannot be written is simply not kept."""
    try:
        payload = pickle.dumps(value, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
