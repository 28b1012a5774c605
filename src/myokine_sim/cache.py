"""The user cache folder: compiled model code and the compiled kernel, reused by later processes.

``$MYOKINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/myokine_sim``, else
``~/.cache/myokine_sim``. Everything in it is derived from the package and can
be deleted at any time.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    configured = os.environ.get("MYOKINE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "myokine_sim"
