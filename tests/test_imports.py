"""Importing profiles from AZURE_* variables and the Azure CLI: references, never values."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SIZE, wait_until
from test_profile_store import ORIGINAL

from entra_tui.cli import build_app
from entra_tui.core.azure_cli import AZURE_CLI_CLIENT_ID, profiles_from_azure_cli
from entra_tui.core.environment import environment_fields
from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import load_profiles
from entra_tui.ui.screens.choice import Choice
from entra_tui.ui.widgets.profile_list import ProfileList

FIXTURE = Path(__file__).parent / "fixtures" / "azureProfile.json"
SECRET = "Zq8~the-real-client-secret-value"
TENANT = "3c5a4a9e-2f5b-4c67-9a1e-6f2d8b7c1e0a"
CLIENT = "c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"


@pytest.mark.parametrize(("extra", "flow", "reference"), [
    ({"AZURE_CLIENT_SECRET": SECRET}, "client_secret", ("secret", "env:AZURE_CLIENT_SECRET")),
    ({"AZURE_CLIENT_CERTIFICATE_PATH": "/certs/app.pem",
      "AZURE_CLIENT_CERTIFICATE_PASSWORD": SECRET}, "client_certificate",
     ("certificate_password", "env:AZURE_CLIENT_CERTIFICATE_PASSWORD")),
    ({"AZURE_USERNAME": "adele@contoso.com", "AZURE_PASSWORD": SECRET}, "username_password",
     ("password", "env:AZURE_PASSWORD")),
    ({"AZURE_FEDERATED_TOKEN_FILE": "/var/run/token"}, "federated",
     ("federated_token_file", "/var/run/token")),
])
def test_environment_like_azure_identity(extra: dict[str, str], flow: str,
                                         reference: tuple[str, str]) -> None:
    fields = environment_fields({"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": CLIENT, **extra})
    assert fields["flow"] == flow and fields[reference[0]] == reference[1]
    assert SECRET not in repr(fields)


def test_environment_without_credentials_says_what_is_missing() -> None:
    with pytest.raises(ConfigError, match="AZURE_CLIENT_ID not set"):
        environment_fields({"AZURE_TENANT_ID": TENANT})
    with pytest.raises(ConfigError, match="none of AZURE_CLIENT_SECRET"):
        environment_fields({"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": CLIENT})


def test_azure_cli_gives_one_skeleton_per_tenant() -> None:
    found = profiles_from_azure_cli(FIXTURE)
    assert [name for name, _ in found] == ["azcli-contoso", "azcli-7e6d5c4b"]
    user, service = found[0][1], found[1][1]
    assert (user["tenant"], user["flow"], user["client_id"]) == (
        "contoso.onmicrosoft.com", "device_code", AZURE_CLI_CLIENT_ID)
    assert (service["flow"], service["client_id"], service["cloud"]) == (
        "client_secret", "9d3c1b2a-1111-4222-8333-444455556666", "usgov")
    assert service["secret"] == "env:AZURE_CLIENT_SECRET"


def test_a_missing_or_broken_azure_cli_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="az login"):
        profiles_from_azure_cli(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read"):
        profiles_from_azure_cli(tmp_path / "bad.json")


async def test_import_from_env_and_azure_cli_in_the_app(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "profiles.toml"
    config.write_text(ORIGINAL)
    azure = tmp_path / "azure"
    azure.mkdir()
    shutil.copy(FIXTURE, azure / "azureProfile.json")
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(azure))
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", CLIENT)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", SECRET)
    app, _ = build_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("I")
        await pilot.pause()
        assert isinstance(app.screen, Choice)
        await pilot.press("e")  # Environment
        await wait_until(pilot, lambda: app.current is not None and app.current.name == "azure-env")
        await pilot.press("I")
        await pilot.pause()
        await pilot.press("a")  # Azure CLI
        await wait_until(pilot, lambda: len(app.query_one(ProfileList).ordered) == 5)
    loaded = load_profiles(config)
    assert loaded.names() == ["first", "second", "azure-env", "azcli-contoso",
                              "azcli-7e6d5c4b"]
    text = config.read_text()
    assert SECRET not in text and text.startswith(ORIGINAL)
    assert loaded.get("azure-env").secret == "env:AZURE_CLIENT_SECRET"  # type: ignore[union-attr]
