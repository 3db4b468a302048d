"""A profile file the user names (--config or $ENTRA_TUI_CONFIG) that does not exist is a
mistake said as one (exit 3), while a missing default file is "no profiles yet" (exit 0);
`token` without a profile is a usage error (exit 2, as README's table says)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entra_tui", *args], capture_output=True,
                          text=True, timeout=90, env={**os.environ, **env})


def test_a_named_profile_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nonexistent.toml")
    for args, env in ((("--config", missing, "profiles"), {}),
                      (("profiles", "--config", missing), {}),
                      (("profiles",), {"ENTRA_TUI_CONFIG": missing}),
                      (("--config", missing, "token", "contoso-orders-sync"), {}),
                      (("--config", missing, "doctor", "contoso-orders-sync"), {})):
        done = cli(*args, env=env)
        assert done.returncode == 3, (args, done.stdout, done.stderr)
        assert "no such profile file" in done.stderr and missing in done.stderr
        assert "No profiles in" not in done.stdout and "Traceback" not in done.stderr


def test_the_missing_default_file_is_no_profiles_yet(tmp_path: Path) -> None:
    env = {"ENTRA_TUI_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = cli("profiles", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No profiles in ")


def test_token_without_a_profile_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "p.toml"
    config.write_text("")
    done = cli("--config", str(config), "token", env={})
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("usage: entra-tui token")
    assert "name a profile" in done.stderr
