"""Every figure. Functions take the frames the computing modules return and compute nothing.

One module per area; the public names are re-exported here (``plots.spc_chart`` etc.).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg") if not matplotlib.get_backend().lower().startswith(
    ("module://", "ipympl", "widget")
) else None

from .effects import *  # noqa: E402,F403
from .explore import *  # noqa: E402,F403
from .goals import *  # noqa: E402,F403
from .menu import *  # noqa: E402,F403
from .progress import *  # noqa: E402,F403
from .spc import *  # noqa: E402,F403
from .style import PALETTE, apply_style, save_png  # noqa: E402,F401
from .surveys import *  # noqa: E402,F403
