"""Clouds, issuers and origins at their edges: behaviours a mutation run (`mutmut`, see README
"Mutation testing") showed untested in entra_tui/core/clouds.py. These decide where keys are
fetched from and which issuers are Entra's, so every accept and refuse is pinned here."""

from __future__ import annotations

import pytest

from entra_tui.core.clouds import (
    EntraIssuer,
    authority_host_for,
    canonical_origin,
    cloud_of_authority,
    entra_issuers,
    is_guid,
    is_microsoft_host,
    is_tenant_id,
    parse_entra_issuer,
    service_endpoint,
)

TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def test_cloud_names_and_hosts() -> None:
    assert authority_host_for("USGov") == "https://login.microsoftonline.us"
    assert authority_host_for("china") == "https://login.chinacloudapi.cn"
    assert authority_host_for("moon") is None
    assert is_microsoft_host("https://login.microsoftonline.com/")
    assert is_microsoft_host("https://login.microsoftonline.us")
    assert not is_microsoft_host("https://login.microsoftonline.com.evil.example")
    assert cloud_of_authority("https://LOGIN.microsoftonline.us/") == "usgov"
    assert cloud_of_authority("https://login.microsoftonline.com") == "public"
    assert cloud_of_authority("https://127.0.0.1:8443") is None


def test_guids_and_tenant_ids() -> None:
    assert is_guid(TID) and is_guid(TID.upper())
    assert not is_guid(TID[:-1]) and not is_guid(TID + "0") and not is_guid(7)
    assert not is_guid("{" + TID + "}")
    assert is_tenant_id(TID) and is_tenant_id("contoso.onmicrosoft.com")
    assert not is_tenant_id("contoso") and not is_tenant_id("contoso.com.")
    assert not is_tenant_id(None) and not is_tenant_id("a/b.com")
    label = "a" * 63
    longest = ".".join([label, label, label, "b" * 61])  # 253 characters
    assert len(longest) == 253 and is_tenant_id(longest)
    assert not is_tenant_id("c" + longest)


@pytest.mark.parametrize(("iss", "parsed"), [
    (f"https://sts.windows.net/{TID}/", EntraIssuer("public", "1.0", TID)),
    (f"https://login.microsoftonline.com/{TID}/v2.0", EntraIssuer("public", "2.0", TID)),
    (f"https://login.microsoftonline.us/{TID}/v2.0", EntraIssuer("usgov", "2.0", TID)),
    (f"https://sts.chinacloudapi.cn/{TID}/", EntraIssuer("china", "1.0", TID)),
    (f"https://login.partner.microsoftonline.cn/{TID}/v2.0", EntraIssuer("china", "2.0", TID)),
    (f"https://login.chinacloudapi.cn/{TID}/v2.0", EntraIssuer("china", "2.0", TID)),
    ("https://sts.windows.net/contoso.com/", EntraIssuer("public", "1.0", "contoso.com")),
    (f"https://login.microsoftonline.com/{TID}/", None),  # v2 host, v1 shape
    (f"https://sts.windows.net/{TID}/v2.0", None),  # v1 host, v2 shape
    (f"https://sts.windows.net/{TID}", None),
    (f"https://STS.windows.net/{TID}/", None),
    ("https://sts.windows.net/not_a_tenant/", None),
    (f"https://evil.example/{TID}/", None),
    (f"https://sts.windows.net/{TID}/\u200b", None),
    (None, None),
])
def test_entra_issuers_are_parsed_strictly(iss: object, parsed: EntraIssuer | None) -> None:
    assert parse_entra_issuer(iss) == parsed


def test_every_cloud_s_issuers_for_a_tenant() -> None:
    v1 = (f"https://sts.windows.net/{TID}/", f"https://sts.chinacloudapi.cn/{TID}/")
    v2 = (f"https://login.microsoftonline.com/{TID}/v2.0",
          f"https://login.microsoftonline.us/{TID}/v2.0",
          f"https://login.partner.microsoftonline.cn/{TID}/v2.0",
          f"https://login.chinacloudapi.cn/{TID}/v2.0")
    assert entra_issuers(TID, "1.0") == v1
    assert entra_issuers(TID, "2.0") == v2
    assert set(entra_issuers(TID)) == set(v1 + v2) and len(entra_issuers(TID)) == 6
    assert entra_issuers(TID, "3.0") == ()


@pytest.mark.parametrize(("url", "origin"), [
    ("https://Login.Example.com", "https://login.example.com"),
    ("https://login.example.com/", "https://login.example.com"),
    ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
    ("https://127.0.0.1:08443", "https://127.0.0.1:8443"),
    ("https://h:1", "https://h:1"),
    ("https://h:65535", "https://h:65535"),
    ("https://[::1]:8443", "https://[::1]:8443"),
    ("https://h:0", None),
    ("https://h:65536", None),
    ("https://a..b", None),
    ("https://h.example.", None),
    (" https://h.example", None),
    ("https://h.example\n", None),
    ("https://h.example/path", None),
    ("https://user@h.example", None),
    ("http://h.example", None),
    ("https://h\u00e9.example", None),
    (None, None),
])
def test_origins_are_taken_only_as_plainly_spelled(url: object, origin: str | None) -> None:
    assert canonical_origin(url) == origin


@pytest.mark.parametrize(("url", "endpoint"), [
    ("https://127.0.0.1:8443/graph/", "https://127.0.0.1:8443/graph"),
    ("https://127.0.0.1:8443/a.b/c~d", "https://127.0.0.1:8443/a.b/c~d"),
    ("https://Graph.Example", "https://graph.example"),
    ("https://graph.example/", "https://graph.example"),
    ("https://graph.example/v1.0?x=1", None),
    ("https://graph.example/a/../b", None),
    ("https://graph.example/a/./b", None),
    ("https://graph.example/..", None),
    ("https://graph.example/a b", None),
    ("https://graph.example/a ", None),
    ("http://graph.example/a", None),
    ("https://graph.example/caf\u00e9", None),
    ("https://graph.example:99999/a", None),
    (7, None),
])
def test_service_endpoints(url: object, endpoint: str | None) -> None:
    assert service_endpoint(url) == endpoint


def test_a_host_that_only_starts_like_a_cloud_s_is_not_that_cloud() -> None:
    assert not is_microsoft_host("https://login.microsoftonline.comX")
    assert cloud_of_authority("https://login.microsoftonline.usX") is None
    assert service_endpoint("https://graph.example/rootX") == "https://graph.example/rootX"
