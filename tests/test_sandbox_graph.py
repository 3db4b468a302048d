"""The sandbox's small Graph and ARM: bearer tokens checked as the real services check them
(audience, issuer, signature incl. Graph's nonce, lifetime), Graph's JSON and OData shapes, and
directory data that tells stories (an expiring secret, an unconsented permission, a user in
more than 200 groups, the sandbox's own sign-in log)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import jwt
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_clients import (
    ADELE,
    ARM_DEPLOYER,
    CONTOSO,
    DIRECTORY_READER,
    GRAPH_EXPLORER,
    ORDERS_SYNC,
    app_token,
    bearer,
    confidential,
    device_sign_in,
    http,
)

from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.wire import Request

LEGACY_JOB = CONTOSO.clients[5]


def graph(sandbox: Sandbox, path: str, token: str | None, **kwargs: object) -> requests.Response:
    headers = bearer(token) if token else {}
    method = "POST" if "json" in kwargs else "GET"
    return http(sandbox).request(method, f"{sandbox.base_url}/graph/v1.0{path}",
                                 headers=headers, **kwargs)  # type: ignore[arg-type]


def reader_token(sandbox: Sandbox) -> str:
    return app_token(sandbox, DIRECTORY_READER, "https://graph.microsoft.com/.default")


def test_graph_without_a_token_is_401_with_a_bearer_challenge(sandbox: Sandbox) -> None:
    response = graph(sandbox, "/users", None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    error = response.json()["error"]
    assert error["code"] == "InvalidAuthenticationToken"
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}


def test_graph_refuses_other_audiences_and_tampered_tokens(sandbox: Sandbox) -> None:
    arm = app_token(sandbox, ARM_DEPLOYER, "https://management.azure.com/.default")
    assert graph(sandbox, "/users", arm).status_code == 401
    token = reader_token(sandbox)
    head, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["roles"] = ["Directory.Read.All"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = graph(sandbox, "/users", f"{head}.{forged}.{signature}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_graph_without_the_permission_is_403(sandbox: Sandbox) -> None:
    token = app_token(sandbox, ARM_DEPLOYER, "https://graph.microsoft.com/.default")
    response = graph(sandbox, "/users", token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Authorization_RequestDenied"
    assert response.json()["error"]["message"] == \
        "Insufficient privileges to complete the operation."


def test_users_organization_and_paging(sandbox: Sandbox) -> None:
    token = reader_token(sandbox)
    user = graph(sandbox, f"/users/{ADELE.upn}", token).json()
    assert user["displayName"] == ADELE.name and user["id"] == ADELE.object_id
    assert user["@odata.context"].endswith("/graph/v1.0/$metadata#users/$entity")
    first = graph(sandbox, "/users?$top=1", token).json()
    assert len(first["value"]) == 1 and first["@odata.context"].endswith("$metadata#users")
    second = http(sandbox).get(first["@odata.nextLink"], headers=bearer(token)).json()
    assert second["value"][0]["id"] != first["value"][0]["id"]
    assert "@odata.nextLink" not in second
    assert graph(sandbox, "/me", token).status_code == 400  # app-only has no /me
    assert graph(sandbox, "/users/nobody@contoso.onmicrosoft.com", token).json()[
        "error"]["code"] == "Request_ResourceNotFound"


def test_applications_tell_the_credential_and_consent_stories(sandbox: Sandbox) -> None:
    token = reader_token(sandbox)
    listed = graph(sandbox, f"/applications?$filter=appId eq '{DIRECTORY_READER.client_id}'",
                   token).json()["value"]
    by_key = graph(sandbox, f"/applications(appId='{DIRECTORY_READER.client_id}')",
                   token).json()
    assert listed[0]["id"] == by_key["id"] and by_key["displayName"] == DIRECTORY_READER.name
    (secret,) = by_key["passwordCredentials"]
    ends = dt.datetime.fromisoformat(secret["endDateTime"].replace("Z", "+00:00"))
    assert dt.timedelta(0) < ends - dt.datetime.now(dt.UTC) < dt.timedelta(days=14)
    assert secret["secretText"] is None and secret["hint"] == DIRECTORY_READER.secret[:3]
    (graph_access,) = by_key["requiredResourceAccess"]
    assert {"id": "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "type": "Role"} in \
        graph_access["resourceAccess"]  # Directory.Read.All: requested, never consented
    legacy = graph(sandbox, f"/applications(appId='{LEGACY_JOB.client_id}')", token).json()
    assert legacy["passwordCredentials"][0]["endDateTime"] < dt.datetime.now(
        dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # expired
    billing = graph(sandbox, f"/applications(appId='{CONTOSO.clients[1].client_id}')",
                    token).json()
    assert billing["keyCredentials"][0]["type"] == "AsymmetricX509Cert"


def test_service_principals_role_assignments_and_grants(sandbox: Sandbox) -> None:
    token = reader_token(sandbox)
    (sp,) = graph(sandbox, f"/servicePrincipals?$filter=appId eq '{DIRECTORY_READER.client_id}'",
                  token).json()["value"]
    assignments = graph(sandbox, f"/servicePrincipals/{sp['id']}/appRoleAssignments",
                        token).json()["value"]
    assert "df021288-bdef-4463-88db-98f22de89214" in {a["appRoleId"] for a in assignments}
    (graph_sp,) = graph(sandbox, "/servicePrincipals?$filter=appId eq "
                        "'00000003-0000-0000-c000-000000000000'", token).json()["value"]
    assert {r["value"] for r in graph_sp["appRoles"]} >= {"User.Read.All", "AuditLog.Read.All"}
    assert {a["resourceId"] for a in assignments} == {graph_sp["id"]}
    (explorer,) = graph(sandbox, f"/servicePrincipals?$filter=appId eq "
                        f"'{GRAPH_EXPLORER.client_id}'", token).json()["value"]
    (grant,) = graph(sandbox, f"/oauth2PermissionGrants?$filter=clientId eq '{explorer['id']}'",
                     token).json()["value"]
    assert grant["consentType"] == "AllPrincipals" and "User.Read" in grant["scope"].split()
    found = graph(sandbox, "/directoryObjects/getByIds", token,
                  json={"ids": [ADELE.object_id, sp["id"]]}).json()["value"]
    assert [o["@odata.type"] for o in found] == ["#microsoft.graph.user",
                                                 "#microsoft.graph.servicePrincipal"]


def test_sign_in_log_lists_failures_by_correlation_id(sandbox: Sandbox) -> None:
    correlation_id = str(uuid.uuid4())
    http(sandbox).post(f"{sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/token",
                       headers={"client-request-id": correlation_id},
                       data={"grant_type": "client_credentials",
                             "client_id": ORDERS_SYNC.client_id, "client_secret": "wrong",
                             "scope": "https://graph.microsoft.com/.default"})
    page = graph(sandbox, f"/auditLogs/signIns?$filter=correlationId eq '{correlation_id}'",
                 reader_token(sandbox)).json()
    (entry,) = page["value"]
    assert entry["appId"] == ORDERS_SYNC.client_id and entry["correlationId"] == correlation_id
    assert entry["status"]["errorCode"] == 7000215
    assert "Invalid client secret" in entry["status"]["failureReason"]
    assert entry["resourceDisplayName"] == "Microsoft Graph"
    assert entry["resourceId"] == "00000003-0000-0000-c000-000000000000"
    denied = app_token(sandbox, ORDERS_SYNC, "https://graph.microsoft.com/.default")
    assert graph(sandbox, "/auditLogs/signIns", denied).status_code == 403


def test_groups_overage_points_at_the_sandbox_graph(sandbox: Sandbox) -> None:
    result = device_sign_in(sandbox, GRAPH_EXPLORER.client_id,
                            ["https://graph.microsoft.com/User.Read",
                             "https://graph.microsoft.com/Group.Read.All"])
    token = str(result["access_token"])
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "groups" not in claims and claims["_claim_names"] == {"groups": "src1"}
    endpoint = claims["_claim_sources"]["src1"]["endpoint"]
    assert endpoint == f"{sandbox.base_url}/graph/v1.0/users/{ADELE.object_id}/getMemberObjects"
    ids = http(sandbox).post(endpoint, headers=bearer(token),
                             json={"securityEnabledOnly": True}).json()["value"]
    assert len(ids) == 210
    me = graph(sandbox, "/me", token).json()
    assert me["userPrincipalName"] == ADELE.upn
    first = graph(sandbox, f"/users/{ADELE.object_id}/memberOf", token).json()
    assert len(first["value"]) == 100 and "@odata.nextLink" in first
    group = graph(sandbox, f"/groups/{ids[-1]}", token).json()
    assert group["id"] == ids[-1] and group["securityEnabled"] is True


def test_arm_subscriptions_tenants_and_metadata(sandbox: Sandbox) -> None:
    session, base = http(sandbox), f"{sandbox.base_url}/arm"
    token = app_token(sandbox, ARM_DEPLOYER, "https://management.core.windows.net//.default")
    subscriptions = session.get(f"{base}/subscriptions?api-version=2022-12-01",
                                headers=bearer(token)).json()["value"]
    assert [s["tenantId"] for s in subscriptions] == [CONTOSO.tenant_id]
    tenants = session.get(f"{base}/tenants?api-version=2022-12-01",
                          headers=bearer(token)).json()["value"]
    assert tenants[0]["tenantId"] == CONTOSO.tenant_id
    nobody = app_token(sandbox, ORDERS_SYNC, "https://management.azure.com/.default")
    assert session.get(f"{base}/subscriptions?api-version=2022-12-01",
                       headers=bearer(nobody)).json()["value"] == []  # no RBAC role
    missing = session.get(f"{base}/subscriptions?api-version=2022-12-01")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith(
        "Bearer authorization_uri=")
    assert session.get(f"{base}/subscriptions", headers=bearer(token)).json()["error"][
        "code"] == "MissingApiVersionParameter"
    cloud = session.get(f"{base}/metadata/endpoints?api-version=2022-09-01").json()
    assert cloud["resourceManager"] == f"{base}/"
    assert cloud["authentication"]["loginEndpoint"] == f"{sandbox.base_url}/"


def test_graph_token_from_msal_cache_still_works(sandbox: Sandbox) -> None:
    app = confidential(sandbox, DIRECTORY_READER)
    app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    cached = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert cached["token_source"] == "cache"
    assert graph(sandbox, "/organization", cached["access_token"]).json()["value"][0][
        "id"] == CONTOSO.tenant_id


def test_expired_tokens_are_refused_by_graph_and_arm(sandbox: Sandbox) -> None:
    from entra_tui.sandbox.access_tokens import sign_for
    from entra_tui.sandbox.first_party import ARM, GRAPH

    key = sandbox._server.endpoints.signing_key  # noqa: SLF001 - the sandbox's own signer
    issuer = f"{sandbox.base_url}/{CONTOSO.tenant_id}/"
    claims = {"iss": issuer, "iat": 1, "nbf": 1, "exp": 2, "tid": CONTOSO.tenant_id,
              "oid": DIRECTORY_READER.object_id, "roles": ["User.Read.All"], "ver": "1.0"}
    expired_graph = sign_for(GRAPH, {"aud": "https://graph.microsoft.com", **claims}, key)
    response = graph(sandbox, "/users", expired_graph)
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]
    expired_arm = sign_for(ARM, {"aud": "https://management.azure.com/", **claims}, key)
    response = http(sandbox).get(f"{sandbox.base_url}/arm/tenants?api-version=2022-12-01",
                                 headers=bearer(expired_arm))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "ExpiredAuthenticationToken"
    fresh = sign_for(GRAPH, {**claims, "aud": "https://graph.microsoft.com", "exp": 2**33}, key)
    assert graph(sandbox, "/users", fresh).status_code == 200  # the same token, in date


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "DELETE"]),
       path=st.sampled_from([
           "/graph/v1.0/me", "/graph/v1.0/users/{x}", "/graph/v1.0/users/{x}/memberOf",
           "/graph/v1.0/groups/{x}", "/graph/v1.0/applications(appId='{x}')",
           "/graph/v1.0/applications?$filter={x}", "/graph/v1.0/servicePrincipals/{x}",
           "/graph/v1.0/servicePrincipals?$filter=appId eq '{x}'&$top={x}",
           "/graph/v1.0/users?$skiptoken={x}", "/graph/v1.0/directoryObjects/getByIds",
           "/graph/v1.0/auditLogs/signIns?$filter={x}", "/graph/{x}", "/arm/{x}",
           "/arm/subscriptions?api-version={x}", "/arm/metadata/endpoints?api-version={x}",
           "/common/{x}", "/organizations/oauth2/v2.0/token", "/common/oauth2/token",
           "/contoso.onmicrosoft.com/oauth2/token", "/{x}/discovery/keys"]),
       value=st.text(max_size=40), body=st.binary(max_size=200),
       authorization=st.sampled_from(["", "Bearer ", "Bearer x.y.z", "Basic abc", "TOKEN"]))
def test_graph_and_arm_answer_anything_without_failing(
        sandbox: Sandbox, method: str, path: str, value: str, body: bytes,
        authorization: str) -> None:
    if authorization == "TOKEN":
        authorization = f"Bearer {_FUZZ_TOKENS.setdefault('t', reader_token(sandbox))}"
    request = Request(method, path.replace("{x}", value), {"authorization": authorization}, body)
    response = sandbox._server.endpoints.handle(request)  # noqa: SLF001 - no sockets needed
    assert 200 <= response.status < 500, response.body[:300]
    json.loads(response.body)


_FUZZ_TOKENS: dict[str, str] = {}
