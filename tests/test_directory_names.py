"""Names for a token's GUIDs from the sandbox's Graph, over real HTTPS with real MSAL tokens:
apps, users, the organisation, groups (also past the overage), app roles; each value that
cannot be named says why in one line; one cache per tenant."""

from __future__ import annotations

from pathlib import Path

import jwt
from conftest import sandbox_profile
from sandbox_clients import (
    ADELE,
    ARM_DEPLOYER,
    CONTOSO,
    DIRECTORY_READER,
    FABRIKAM,
    GRAPH_EXPLORER,
    ORDERS_SYNC,
    app_token,
    device_sign_in,
)

from entra_tui.core.directory_names import (
    GraphAccess,
    NameCache,
    graph_access,
    name_lines,
    names_json,
    resolve_names,
)
from entra_tui.core.session import SessionManager
from entra_tui.sandbox import Sandbox

GRAPH = "https://graph.microsoft.com"


def reader_profile(sandbox: Sandbox, tmp_path: Path, client: object = DIRECTORY_READER,
                   **overrides: object) -> object:
    secret = tmp_path / f"{client.slug}.secret"  # type: ignore[attr-defined]
    secret.write_text(client.secret or "")  # type: ignore[attr-defined]
    values = {"name": client.slug, "client_id": client.client_id,  # type: ignore[attr-defined]
              "secret": f"file:{secret}", "scopes": (f"{GRAPH}/.default",),
              "graph_endpoint": f"{sandbox.base_url}/graph", **overrides}
    return sandbox_profile(sandbox, tmp_path, **values)


def claims_of(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def reader_access(sandbox: Sandbox, tmp_path: Path) -> GraphAccess:
    access = graph_access(reader_profile(sandbox, tmp_path), None, SessionManager().acquire)
    assert isinstance(access, GraphAccess), access
    return access


def test_an_app_token_gets_names_for_every_guid(sandbox: Sandbox, tmp_path: Path) -> None:
    claims = claims_of(app_token(sandbox, ORDERS_SYNC, "api://contoso-orders/.default"))
    cache = NameCache()
    names = resolve_names(claims, reader_access(sandbox, tmp_path), cache)
    assert names["tid"][claims["tid"]].text == "Contoso"
    assert names["tid"][claims["tid"]].detail == CONTOSO.domain
    assert names["azp"][ORDERS_SYNC.client_id].text == "Contoso Order Sync"
    assert names["aud"][claims["aud"]].text.startswith("Contoso Orders API")
    assert names["oid"][ORDERS_SYNC.object_id].text == "Contoso Order Sync"
    assert names["oid"][ORDERS_SYNC.object_id].detail == f"app id {ORDERS_SYNC.client_id}"
    role = claims["roles"][0]
    assert names["roles"][role].text == role and names["roles"][role].kind == "appRole"
    data = names_json(names)
    assert data["tid"][claims["tid"]] == {"name": "Contoso", "detail": CONTOSO.domain,
                                          "kind": "organization"}
    filled = len(cache)
    resolve_names(claims, reader_access(sandbox, tmp_path), cache)
    assert len(cache) == filled  # answered from the tenant's cache


def test_graph_tokens_name_microsoft_graph_and_its_roles(sandbox: Sandbox, tmp_path: Path) -> None:
    claims = claims_of(app_token(sandbox, DIRECTORY_READER, f"{GRAPH}/.default"))
    names = resolve_names(claims, reader_access(sandbox, tmp_path), NameCache())
    assert names["aud"][claims["aud"]].text == "Microsoft Graph"
    assert names["roles"]["User.Read.All"].kind == "appRole"


def test_without_permission_each_value_says_why(sandbox: Sandbox, tmp_path: Path) -> None:
    """The ARM Deployer's Graph token has no Graph permission: one short line per value."""
    access = graph_access(reader_profile(sandbox, tmp_path, ARM_DEPLOYER), None,
                          SessionManager().acquire)
    assert isinstance(access, GraphAccess)
    claims = claims_of(app_token(sandbox, ORDERS_SYNC, "api://contoso-orders/.default"))
    names = resolve_names(claims, access, NameCache())
    assert names["oid"][ORDERS_SYNC.object_id].why == "needs Directory.Read.All"
    assert names["azp"][ORDERS_SYNC.client_id].why == "needs Application.Read.All"
    assert names["tid"][claims["tid"]].why == "needs Organization.Read.All (or User.Read)"


def test_a_profile_without_a_graph_token_and_another_tenant(sandbox: Sandbox,
                                                           tmp_path: Path) -> None:
    orders = sandbox_profile(sandbox, tmp_path)
    reason = graph_access(orders, None, SessionManager().acquire)
    assert isinstance(reason, str) and "not Microsoft Graph" in reason
    claims = claims_of(app_token(sandbox, ORDERS_SYNC, "api://contoso-orders/.default"))
    names = resolve_names(claims, reason, NameCache())
    assert {n.why for values in names.values() for n in values.values()} == {reason}
    fabrikam = claims_of(app_token(sandbox, FABRIKAM.clients[0], "api://fabrikam-inventory/.default",
                                   FABRIKAM))
    other = resolve_names(fabrikam, reader_access(sandbox, tmp_path), NameCache())
    assert "reads another tenant" in other["tid"][fabrikam["tid"]].why


def test_a_user_token_names_the_user_and_an_overage_of_groups(sandbox: Sandbox,
                                                             tmp_path: Path) -> None:
    result = device_sign_in(sandbox, GRAPH_EXPLORER.client_id,
                            [f"{GRAPH}/User.Read", f"{GRAPH}/Group.Read.All"])
    token = str(result["access_token"])
    claims = claims_of(token)
    assert "groups" not in claims and "_claim_names" in claims  # 210 groups: an overage
    profile = sandbox_profile(sandbox, tmp_path, name="explorer", flow="device_code",
                              client_id=GRAPH_EXPLORER.client_id, secret=None,
                              graph_endpoint=f"{sandbox.base_url}/graph")
    access = graph_access(profile, None, SessionManager().acquire, own_token=token)
    assert isinstance(access, GraphAccess)
    names = resolve_names(claims, access, NameCache())
    assert names["oid"][ADELE.object_id].text == "Adele Vance"
    assert names["oid"][ADELE.object_id].detail == ADELE.upn
    assert len(names["groups"]) == 210
    assert all(n.text and n.kind == "group" for n in names["groups"].values())


def test_one_line_per_claim_for_the_claims_pane() -> None:
    from entra_tui.core.directory_names import Name

    names = {
        "aud": {"https://graph.microsoft.com": Name("Microsoft Graph", f"app id {GRAPH}",
                                                    kind="servicePrincipal")},
        "oid": {"1": Name("Adele Vance", "adele@contoso", kind="user")},
        "groups": {str(i): Name(f"Group {i}", kind="group") for i in range(8)},
        "roles": {"A": Name(why="needs Application.Read.All"),
                  "B": Name(why="needs Application.Read.All")},
    }
    lines = name_lines(names)
    assert lines["aud"] == f"→ Microsoft Graph (app id {GRAPH})"
    assert lines["oid"] == "→ Adele Vance (adele@contoso)"
    assert lines["groups"] == "→ Group 0; Group 1; Group 2; Group 3; Group 4; Group 5 … (+2 more)"
    assert lines["roles"] == "→ ? needs Application.Read.All"
    hidden = name_lines(names, hide_people=True)
    assert hidden["oid"] == "→ ••• (•••)" and "Adele" not in str(hidden)
    assert hidden["aud"] == lines["aud"]
