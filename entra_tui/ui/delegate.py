"""Screen actions and message handlers written as one line each: `delegate("inspection",
"verify")` is the method `self.inspection.verify(...)`.

The helper it names is looked up when the action runs, so a screen can make its helpers
(and import their modules) on first use rather than before its first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def delegate(helper: str, method: str, **fixed: Any) -> Callable[..., Any]:
    """A method that calls `self.<helper>.<method>(argument, **fixed)`. Textual passes an
    action's parameter or a handler's message as the one argument (it counts one)."""
    def run(self: Any, *argument: Any) -> Any:
        return getattr(getattr(self, helper), method)(*argument, **fixed)

    run.__name__ = run.__qualname__ = f"{helper}.{method}"
    run.__doc__ = f"Runs `{helper}.{method}`."
    return run
