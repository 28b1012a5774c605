"""The user cache folder: compiled model code and the compiled kernel, reused by later processes.

``$MYOKINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/myokine_sim``, else
``~/.cache/myokine_sim``. Everything in it is derived from the package and can
be deleted at any time.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path | None:
    """The cache folder, or None where none can be named (no variable set and no home directory)."""
    configured = os.environ.get("MYOKINE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry, as in a container run as any uid
            return None
    return Path(base) / "myokine_sim"
