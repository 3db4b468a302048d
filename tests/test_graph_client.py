"""The doctor's Graph/ARM reader: fixed roots per cloud or configured per profile, ids from
tokens only as GUIDs, no redirects, a size cap, the profile's TLS rules; against the sandbox's
Graph and local HTTPS servers over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import sandbox_profile
from entra_keys_server import Reply, json_reply, make_tls, running
from sandbox_clients import ARM_DEPLOYER, CONTOSO, DIRECTORY_READER, app_token

from entra_tui.core.errors import ConfigError
from entra_tui.core.graph_client import (
    ServiceClient,
    ServiceUnavailable,
    arm_root,
    graph_root,
    guid_segment,
    odata_string,
)
from entra_tui.core.profiles import parse_profiles
from entra_tui.sandbox import Sandbox

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@pytest.mark.parametrize(("host", "graph", "arm"), [
    ("https://login.microsoftonline.com", "https://graph.microsoft.com",
     "https://management.azure.com"),
    ("https://login.microsoftonline.us", "https://graph.microsoft.us",
     "https://management.usgovcloudapi.net"),
    ("https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
     "https://management.chinacloudapi.cn"),
])
def test_roots_are_fixed_per_cloud(tmp_path: Path, host: str, graph: str, arm: str) -> None:
    profile = sandbox_profile_at(tmp_path, host)
    assert graph_root(profile) == graph
    assert arm_root(profile) == arm


def sandbox_profile_at(tmp_path: Path, host: str, extra: str = "") -> object:
    text = f"""
[profiles.p]
tenant = "contoso.onmicrosoft.com"
client_id = "9c1e3a5b-7d9f-4b1d-8e3a-5c7e9a1b3d5f"
scopes = ["https://graph.microsoft.com/.default"]
secret = "env:X"
authority_host = "{host}"
{extra}
"""
    return parse_profiles(text.encode(), tmp_path / "p.toml").profiles[0]


def test_a_custom_authority_needs_a_configured_root(tmp_path: Path) -> None:
    profile = sandbox_profile_at(tmp_path, "https://127.0.0.1:9999")
    with pytest.raises(ConfigError, match="graph_endpoint"):
        graph_root(profile)
    configured = sandbox_profile_at(tmp_path, "https://127.0.0.1:9999",
                                    'graph_endpoint = "https://127.0.0.1:9999/graph/"\n'
                                    'arm_endpoint = "https://127.0.0.1:9999/arm"')
    assert graph_root(configured) == "https://127.0.0.1:9999/graph"
    assert arm_root(configured) == "https://127.0.0.1:9999/arm"


def test_settings_name_the_graph_for_every_profile(tmp_path: Path) -> None:
    text = b"""
[settings]
graph_profile = "reader"
graph_endpoint = "https://127.0.0.1:9999/graph"

[profiles.reader]
tenant = "contoso.onmicrosoft.com"
client_id = "9c1e3a5b-7d9f-4b1d-8e3a-5c7e9a1b3d5f"
scopes = ["https://graph.microsoft.com/.default"]
secret = "env:X"

[profiles.other]
tenant = "contoso.onmicrosoft.com"
client_id = "9c1e3a5b-7d9f-4b1d-8e3a-5c7e9a1b3d5f"
scopes = ["api://x/.default"]
secret = "env:X"
graph_profile = "someone-else"
test_url = "https://api.contoso.example/health?check=1"
"""
    reader, other = parse_profiles(text, tmp_path / "p.toml").profiles
    assert reader.graph_profile == "reader" and other.graph_profile == "someone-else"
    assert reader.graph_endpoint == other.graph_endpoint == "https://127.0.0.1:9999/graph"
    assert other.test_url == "https://api.contoso.example/health?check=1"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/graph", "https://evil\\@graph.microsoft.com", "https://u@graph.microsoft.com",
    "https://graph.microsoft.com/../x", "https://graph.microsoft.com/a#b",
    "https://graph.microsoft.com/%2e%2e", "https://gr\u0430ph.com", "https://[::1/x",
])
def test_unsafe_endpoints_are_refused_when_the_file_is_read(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="graph_endpoint must be a plain https"):
        sandbox_profile_at(tmp_path, "https://127.0.0.1:9999",
                           f'graph_endpoint = "{url.replace(chr(92), chr(92) * 2)}"')


def test_ids_from_tokens_enter_urls_only_as_guids() -> None:
    assert guid_segment("9C1E3A5B-7D9F-4B1D-8E3A-5C7E9A1B3D5F") == \
        "9c1e3a5b-7d9f-4b1d-8e3a-5c7e9a1b3d5f"
    for hostile in ("../../users", "9c1e3a5b-7d9f-4b1d-8e3a-5c7e9a1b3d5f/../x", "", None, 5):
        with pytest.raises(ValueError):
            guid_segment(hostile)
    assert odata_string("O'Brien") == "'O''Brien'"


def graph_client(sandbox: Sandbox, tmp_path: Path, token: str) -> ServiceClient:
    profile = sandbox_profile(sandbox, tmp_path, graph_endpoint=f"{sandbox.base_url}/graph")
    return ServiceClient.graph(profile, token)


def test_reads_the_sandbox_graph_and_follows_pages(sandbox: Sandbox, tmp_path: Path) -> None:
    client = graph_client(sandbox, tmp_path, app_token(sandbox, DIRECTORY_READER, GRAPH_SCOPE))
    organization = client.get("/organization")
    assert organization.ok and organization.values()[0]["displayName"] == "Contoso"
    everyone = client.get_all("/users", {"$top": "1"})
    assert [u["displayName"] for u in everyone.values()] == ["Adele Vance", "Megan Bowen"]
    found = client.get("/servicePrincipals", {
        "$filter": f"appId eq {odata_string(DIRECTORY_READER.client_id)}"})
    assert [sp["displayName"] for sp in found.values()] == ["Contoso Directory Reader"]
    by_uri = client.get("/servicePrincipals", {
        "$filter": "servicePrincipalNames/any(x:x eq 'api://contoso-orders')"})
    assert [sp["appId"] for sp in by_uri.values()] == [CONTOSO.apis[0].client_id]
    assert [r["value"] for r in by_uri.values()[0]["appRoles"]] == list(CONTOSO.apis[0].app_roles)


def test_a_refusal_is_an_answer_not_an_exception(sandbox: Sandbox, tmp_path: Path) -> None:
    client = graph_client(sandbox, tmp_path, app_token(sandbox, ARM_DEPLOYER, GRAPH_SCOPE))
    denied = client.get("/users")
    assert denied.status == 403 and denied.error_code == "Authorization_RequestDenied"
    assert "token" not in repr(client).lower() or "Bearer" not in repr(client)


def test_no_redirect_is_followed_and_large_answers_are_refused(tmp_path: Path) -> None:
    tls = make_tls(tmp_path, "api")
    ca = tmp_path / "ca.pem"
    ca.write_bytes(tls.ca_pem)
    with running(tls) as server, running(make_tls(tmp_path, "other")) as other:
        server.routes["/v1.0/organization"] = Reply(
            302, b"", (("Location", f"{other.origin}/steal"),))
        server.routes["/v1.0/users"] = json_reply({"value": ["x" * 2_000_000]})
        client = ServiceClient(f"{server.origin}", "secret-token", ca_bundle=str(ca),
                               max_bytes=1_000_000)
        moved = client.get("/v1.0/organization")
        assert moved.status == 302 and other.requests == []
        with pytest.raises(ServiceUnavailable, match="larger than"):
            client.get("/v1.0/users")
        with pytest.raises(ValueError):
            client.get("/v1.0/users/../x")
        with pytest.raises(ValueError):
            client.get("//evil.example/x")


def test_an_untrusted_certificate_is_said_plainly(tmp_path: Path) -> None:
    with running(make_tls(tmp_path, "api")) as server:
        other_ca = tmp_path / "other.pem"
        other_ca.write_bytes(make_tls(tmp_path, "x").ca_pem)
        client = ServiceClient(server.origin, "secret-token", ca_bundle=str(other_ca))
        with pytest.raises(ServiceUnavailable, match="not trusted") as caught:
            client.get("/v1.0/organization")
        assert "secret-token" not in str(caught.value)
