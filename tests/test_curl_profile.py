"""`u` (copy as curl) sends the token where the profile it came from says its APIs are:
the profile's configured graph_endpoint / arm_endpoint (as the doctor's test call does) and
its ca_bundle as --cacert; a pasted token (no profile) keeps Microsoft's fixed origins."""

from __future__ import annotations

import shlex
from pathlib import Path

from test_token import make

from entra_tui.core.curl import curl_command
from entra_tui.core.profiles import parse_profiles
from entra_tui.core.token import decode_token

CONFIG = b"""
[settings]
graph_endpoint = "https://127.0.0.1:8443/graph"
arm_endpoint = "https://127.0.0.1:8443/arm"

[profiles.sandbox]
tenant = "contoso.onmicrosoft.com"
client_id = "c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"
scopes = ["https://graph.microsoft.com/.default"]
secret = "env:X"
authority_host = "https://127.0.0.1:8443"
ca_bundle = "/tmp/my sandbox/ca.pem"
"""
PUBLIC = b"""
[profiles.public]
tenant = "contoso.onmicrosoft.com"
client_id = "c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"
scopes = ["https://graph.microsoft.com/.default"]
secret = "env:X"
"""
GRAPH_APP = {"aud": "00000003-0000-0000-c000-000000000000", "idtyp": "app",
             "roles": ["User.Read.All"]}
ARM_APP = {"aud": "https://management.azure.com/", "idtyp": "app",
           "iss": "https://sts.windows.net/t/"}


def _profiles(config: bytes = CONFIG):  # type: ignore[no-untyped-def]
    return parse_profiles(config, Path("/tmp/p.toml"))


def test_curl_uses_the_profiles_configured_endpoints_and_ca_bundle() -> None:
    sandbox = _profiles().get("sandbox")
    graph = curl_command(decode_token(make(GRAPH_APP)), sandbox)
    arm = curl_command(decode_token(make(ARM_APP)), sandbox)
    assert shlex.split(graph)[-1] == "https://127.0.0.1:8443/graph/v1.0/organization"
    assert shlex.split(arm)[-1] == "https://127.0.0.1:8443/arm/subscriptions?api-version=2022-12-01"
    for command in (graph, arm):
        words = shlex.split(command)
        assert words[words.index("--cacert") + 1] == "/tmp/my sandbox/ca.pem"
        assert "graph.microsoft.com" not in words[-1] and "management.azure" not in words[-1]


def test_curl_without_configured_endpoints_uses_fixed_origins() -> None:
    public = _profiles(PUBLIC).get("public")
    assert curl_command(decode_token(make(GRAPH_APP)), public).endswith(
        " https://graph.microsoft.com/v1.0/organization")
    assert "--cacert" not in curl_command(decode_token(make(GRAPH_APP)), public)
    pasted = curl_command(decode_token(make(GRAPH_APP)))  # a pasted token: no profile
    assert pasted.endswith("https://graph.microsoft.com/v1.0/organization")
    assert "--cacert" not in pasted


def test_a_token_naming_another_host_never_moves_the_call() -> None:
    sandbox = _profiles().get("sandbox")
    token = decode_token(make({**GRAPH_APP, "iss": "https://evil.example/t/v2.0"}))
    assert shlex.split(curl_command(token, sandbox))[-1].startswith("https://127.0.0.1:8443/")
