"""One vocabulary: every flow has one row in core/flows.FLOWS, and the loader, the editor, the
acquisition pane and the CLI read it; one explanation of a failure for the TUI and the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from entra_tui.core.errors import ConfigError
from entra_tui.core.flows import FLOW_FIELDS, FLOWS, Flow
from entra_tui.core.profiles import check_profile_table
from entra_tui.core.results import AcquireError, FailureKind

BASE = {"tenant": "contoso.onmicrosoft.com", "client_id": "11111111-2222-3333-4444-555555555555",
        "scopes": ["api://orders/.default"]}
GIVEN = {"secret": "env:S", "certificate": "app.pem", "password": "env:P",
         "username": "adele@contoso.onmicrosoft.com", "assertion_profile": "user"}


def test_every_flow_has_one_row_and_keeps_its_spelling() -> None:
    assert set(FLOWS) == set(Flow)
    assert Flow("client_secret") is Flow.CLIENT_SECRET and Flow.CLIENT_SECRET == "client_secret"
    assert f"{Flow.ON_BEHALF_OF}" == "on_behalf_of"


@pytest.mark.parametrize("flow", list(Flow))
def test_loader_asks_for_what_the_row_requires(flow: Flow, tmp_path: Path) -> None:
    needs = FLOWS[flow]
    full = {**BASE, "flow": flow.value, **{k: GIVEN[k] for g in needs.required for k in g}}
    profile = check_profile_table("p", full, tmp_path / "profiles.toml")
    assert profile.flow is flow and profile.needs is needs
    assert profile.is_user_flow == needs.signs_in_user
    for group in needs.required:
        table = {k: v for k, v in full.items() if k not in group}
        with pytest.raises(ConfigError) as caught:
            check_profile_table("p", table, tmp_path / "profiles.toml")
        assert caught.value.key == group[0]


@pytest.mark.parametrize("flow", list(Flow))
def test_editor_shows_the_fields_of_the_row(flow: Flow) -> None:
    from entra_tui.ui.screens.profile_editor import FIELDS

    shown = {f.key for f in FIELDS if f.used_by(flow)}
    assert shown & FLOW_FIELDS == set(FLOWS[flow].fields)
    assert {"name", "tenant", "client_id", "scopes"} <= shown


def test_one_explanation_for_the_panel_and_the_cli() -> None:
    from entra_tui.commands.token import _print_error
    from entra_tui.ui.widgets.acquire_pane import error_text

    error = AcquireError(FailureKind.IDENTITY, "Invalid client secret provided.", code=7000215,
                         correlation_id="c0ffee00-0000-0000-0000-000000000001")
    told = error.explain()
    assert told.title == "AADSTS7000215" and told.what == error.summary
    assert told.meaning and told.fix and told.ids == (("Correlation ID", error.correlation_id),)
    printed = io.StringIO()
    _print_error(error, printed)
    panel = error_text(error).plain
    for piece in (told.meaning, told.fix, told.what, error.correlation_id):
        assert piece in printed.getvalue() and piece in panel
    hinted = AcquireError(FailureKind.NETWORK, "no answer", hint="Check the proxy.").explain()
    assert hinted.meaning is None and hinted.fix == "Check the proxy."
