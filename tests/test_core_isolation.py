"""The core must not import Textual (or the UI, CLI, sandbox); plain commands stay light."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import entra_tui.core as core
for module in pkgutil.walk_packages(core.__path__, "entra_tui.core."):
    importlib.import_module(module.name)
bad = [m for m in sys.modules if m.split(".")[0] == "textual"
       or m.startswith(("entra_tui.ui", "entra_tui.cli", "entra_tui.sandbox"))]
print(",".join(sorted(bad)))
"""


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_core_imports_no_textual_ui_cli_or_sandbox() -> None:
    assert run(CHECK) == ""


def test_importing_core_does_not_load_msal_or_requests() -> None:
    code = CHECK.replace('m.split(".")[0] == "textual"',
                         'm.split(".")[0] in ("msal", "requests", "cryptography", "jwt")')
    assert run(code) == ""


def test_sandbox_imports_neither_core_nor_ui() -> None:
    code = """
import importlib, pkgutil, sys
import entra_tui.sandbox as sandbox
for module in pkgutil.walk_packages(sandbox.__path__, "entra_tui.sandbox."):
    importlib.import_module(module.name)
print(",".join(sorted(m for m in sys.modules
                      if m.startswith(("entra_tui.core", "entra_tui.ui", "textual")))))
"""
    assert run(code) == ""


def test_cli_version_loads_no_textual_or_msal() -> None:
    code = """
import sys
from entra_tui.cli import main
try:
    main(["--version"])
except SystemExit:
    pass
print("loaded:" + ",".join(m for m in ("textual", "msal", "cryptography") if m in sys.modules))
"""
    assert run(code).splitlines()[-1] == "loaded:"


def test_the_ui_imports_neither_the_command_line_nor_the_commands() -> None:
    """Imports flow one way, cli -> ui -> core: no UI module reaches back up."""
    code = """
import importlib, pkgutil, sys
import entra_tui.ui as ui
for module in pkgutil.walk_packages(ui.__path__, "entra_tui.ui."):
    importlib.import_module(module.name)
print(",".join(sorted(m for m in sys.modules
                      if m.startswith(("entra_tui.cli", "entra_tui.commands", "entra_tui.bench")))))
"""
    assert run(code) == ""
