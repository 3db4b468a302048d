"""Profile files: good, broken (file, line, column; untouched), and bad references."""

from __future__ import annotations

from pathlib import Path

import pytest

from entra_tui.core.errors import ConfigError, CredentialError
from entra_tui.core.profiles import default_config_path, load_profiles
from entra_tui.core.secrets import resolve_reference

GOOD = """\
# my profiles
[profiles.graph-daemon]
tenant = "contoso.onmicrosoft.com"
client_id = "11111111-2222-4333-8444-555555555555"
scopes = ["https://graph.microsoft.com/.default"]
secret = "env:GRAPH_DAEMON_SECRET"

[profiles.gov-cert]
tenant = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
client_id = "66666666-7777-4888-9999-000000000000"
flow = "client_certificate"
cloud = "usgov"
scopes = ["api://orders/.default"]
certificate = "certs/gov.pem"
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "profiles.toml"
    if isinstance(text, str):
        path.write_text(text)
    else:
        path.write_bytes(text)
    return path


def test_good_file_keeps_order_and_fills_defaults(tmp_path: Path) -> None:
    profiles = load_profiles(write(tmp_path, GOOD))
    assert profiles.names() == ["graph-daemon", "gov-cert"]
    daemon, gov = profiles.profiles
    assert daemon.flow == "client_secret"
    assert daemon.authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert daemon.secret == "env:GRAPH_DAEMON_SECRET"
    assert gov.authority_host == "https://login.microsoftonline.us"
    assert gov.certificate == str(tmp_path / "certs" / "gov.pem")  # relative to the file


def test_missing_file_is_an_empty_set_not_an_error(tmp_path: Path) -> None:
    profiles = load_profiles(tmp_path / "absent.toml")
    assert profiles.profiles == () and profiles.exists is False


def test_broken_toml_names_file_line_and_column_and_leaves_file_untouched(
        tmp_path: Path) -> None:
    broken = GOOD.replace('flow = "client_certificate"', 'flow = "client_certificate')
    path = write(tmp_path, broken)
    before = path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        load_profiles(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 11
    assert caught.value.column is not None
    assert str(caught.value).startswith(f"{path}:11:")
    assert path.read_bytes() == before


def test_a_byte_order_mark_is_read_past_and_a_save_drops_it(tmp_path: Path) -> None:
    # Notepad writes one; the file was refused whole as "not valid TOML: Invalid statement".
    from entra_tui.core.profile_store import ProfileStore

    path = write(tmp_path, b'\xef\xbb\xbf[profiles.x]\ntenant = "contoso.onmicrosoft.com"\n'
                           b'client_id = "11111111-1111-4111-8111-111111111111"\n'
                           b'scopes = ["api://x/.default"]\nsecret = "env:X"\n')
    assert load_profiles(path).names() == ["x"]
    ProfileStore(path).save_profile("y", {"tenant": "contoso.onmicrosoft.com",
                                          "client_id": "22222222-2222-4222-8222-222222222222",
                                          "scopes": ["api://x/.default"], "secret": "env:Y"})
    assert load_profiles(path).names() == ["x", "y"]
    assert path.read_bytes().startswith(b"[profiles.x]")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_non_utf8_file_reports_position(tmp_path: Path, bom: bytes) -> None:
    path = write(tmp_path, bom + b'[profiles.x]\ntenant = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_profiles(path)
    assert (caught.value.line, caught.value.column) == (2, 11)


@pytest.mark.parametrize(("change", "message", "line"), [
    (('client_id = "11111111-2222-4333-8444-555555555555"', 'client_id = "not-a-guid"'),
     "is not a GUID", 4),
    (('secret = "env:GRAPH_DAEMON_SECRET"', 'secret = "hunter2-the-real-secret"'),
     "secret values do not belong in the profile file", 6),
    (('cloud = "usgov"', 'cloud = "mars"'), "cloud 'mars'", 12),
    (('scopes = ["https://graph.microsoft.com/.default"]', 'scopes = []'), "'scopes'", 5),
    (('tenant = "contoso.onmicrosoft.com"', 'tenant = "common"'), "names no single", 3),
    (('flow = "client_certificate"', 'flow = "magic"'), "flow 'magic'", 11),
    (('cloud = "usgov"', 'colud = "usgov"'), "unknown key 'colud'", 12),
])
def test_semantic_errors_name_profile_and_line(tmp_path: Path, change: tuple[str, str],
                                               message: str, line: int) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_profiles(path)
    assert message in str(caught.value)
    assert caught.value.line == line
    assert "hunter2" not in str(caught.value)


def test_config_path_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ENTRA_TUI_CONFIG", str(tmp_path / "p.toml"))
    assert default_config_path() == tmp_path / "p.toml"
    monkeypatch.delenv("ENTRA_TUI_CONFIG")
    assert default_config_path().name == "profiles.toml"
    assert "entra-tui" in str(default_config_path())


def test_env_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_SECRET", "s3cr3t\n")
    assert resolve_reference("env:APP_SECRET") == "s3cr3t"


def test_missing_env_reference_names_variable_not_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_SECRET", raising=False)
    with pytest.raises(CredentialError, match="NOPE_SECRET.*is not set"):
        resolve_reference("env:NOPE_SECRET")


def test_file_reference_relative_to_profile_dir(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("from-file\n")
    assert resolve_reference("file:secret.txt", base_dir=tmp_path) == "from-file"
    with pytest.raises(CredentialError, match="does not exist"):
        resolve_reference("file:absent.txt", base_dir=tmp_path)


def test_a_bare_value_is_refused_as_a_reference() -> None:
    with pytest.raises(CredentialError) as caught:
        resolve_reference("plain-secret-value")
    assert "plain-secret-value" not in str(caught.value)


CLOUD_PROFILE = """\
[profiles.p]
tenant = "{tenant}"
client_id = "11111111-2222-4333-8444-555555555555"
flow = "{flow}"
scopes = ["api://x/.default"]
secret = "env:S"
{extra}
"""


@pytest.mark.parametrize(("extra", "host"), [
    ("", "https://login.microsoftonline.com"),
    ('cloud = "public"', "https://login.microsoftonline.com"),
    ('cloud = "usgov"', "https://login.microsoftonline.us"),
    ('cloud = "china"', "https://login.chinacloudapi.cn"),
    ('authority_host = "https://login.contoso-proxy.example/"',
     "https://login.contoso-proxy.example"),
])
def test_clouds_and_custom_authorities(tmp_path: Path, extra: str, host: str) -> None:
    text = CLOUD_PROFILE.format(tenant="contoso.onmicrosoft.com", flow="client_secret",
                                extra=extra)
    profile = load_profiles(write(tmp_path, text)).profiles[0]
    assert profile.authority == f"{host}/contoso.onmicrosoft.com"


@pytest.mark.parametrize("tenant", ["common", "organizations", "consumers"])
def test_tenant_aliases_only_for_user_flows(tmp_path: Path, tenant: str) -> None:
    user = CLOUD_PROFILE.format(tenant=tenant, flow="device_code", extra="")
    assert load_profiles(write(tmp_path, user)).profiles[0].tenant == tenant
    app_only = CLOUD_PROFILE.format(tenant=tenant, flow="client_secret", extra="")
    with pytest.raises(ConfigError, match="only user sign-in flows may use it"):
        load_profiles(write(tmp_path, app_only))


def test_plain_http_authority_is_refused(tmp_path: Path) -> None:
    text = CLOUD_PROFILE.format(tenant="contoso.onmicrosoft.com", flow="client_secret",
                                extra='authority_host = "http://login.example"')
    with pytest.raises(ConfigError, match="https"):
        load_profiles(write(tmp_path, text))


@pytest.mark.parametrize(("flow", "extra", "message"), [
    ("username_password", 'username = "a@b.c"', "needs password"),
    ("on_behalf_of", "", "'assertion_profile' is missing"),
    ("client_certificate", "", "needs certificate"),
    ("client_secret", "redirect_port = 99999", "redirect_port"),
    ("client_secret", 'token_cache = "disk"', "token_cache"),
])
def test_flow_specific_fields_are_checked(tmp_path: Path, flow: str, extra: str,
                                          message: str) -> None:
    text = CLOUD_PROFILE.format(tenant="contoso.onmicrosoft.com", flow=flow, extra=extra)
    if flow in ("username_password",):
        text = text.replace('secret = "env:S"\n', "")
    with pytest.raises(ConfigError, match=message):
        load_profiles(write(tmp_path, text))


def test_on_behalf_of_without_a_credential_names_the_secret_and_the_certificate(
        tmp_path: Path) -> None:
    """A confidential client proves itself with a secret or a certificate: the message
    names both, not only the secret."""
    text = CLOUD_PROFILE.format(tenant="contoso.onmicrosoft.com", flow="on_behalf_of",
                                extra='assertion_profile = "user"').replace(
        'secret = "env:S"\n', "")
    with pytest.raises(ConfigError) as raised:
        load_profiles(write(tmp_path, text))
    message = str(raised.value)
    assert 'secret = "env:NAME"' in message and 'certificate = "PATH"' in message
    assert raised.value.key == "secret"  # the editor marks the secret's field


def test_managed_identity_needs_no_tenant_or_client(tmp_path: Path) -> None:
    text = '[profiles.mi]\nflow = "managed_identity"\nscopes = ["https://vault.azure.net/.default"]\n'
    profile = load_profiles(write(tmp_path, text)).profiles[0]
    assert profile.client_id == "" and "system-assigned" in profile.credential_summary


def test_settings_make_cache_persistence_global(tmp_path: Path) -> None:
    text = ('[settings]\ntoken_cache = "persistent"\nallow_unencrypted_cache = true\n\n'
            + GOOD.replace('secret = "env:GRAPH_DAEMON_SECRET"',
                           'secret = "env:GRAPH_DAEMON_SECRET"\ntoken_cache = "memory"'))
    daemon, gov = load_profiles(write(tmp_path, text)).profiles
    assert (daemon.token_cache, gov.token_cache) == ("memory", "persistent")
    assert gov.allow_unencrypted_cache
    with pytest.raises(ConfigError, match="settings: unknown key 'colour'"):
        load_profiles(write(tmp_path, '[settings]\ncolour = "red"\n'))
