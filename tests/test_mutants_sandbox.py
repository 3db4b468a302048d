"""The sandbox's token endpoint over real HTTPS: behaviours a mutation run (`mutmut`, see README
"Mutation testing") showed untested in entra_tui/sandbox/endpoints.py and tokens.py. The
sandbox stands in for Entra in every other test, so what it answers must be Entra's shape:
https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
(the response), .../access-token-claims-reference (the claims), .../reference-error-codes and
.../id-token-claims-reference; client_info as MSAL reads it (uid, utid)."""

from __future__ import annotations

import base64
import json
import re

import jwt
import pytest
import requests
from conftest import CLI_TOOL, CONTOSO, LEGACY_JOB, ORDERS_SYNC

from entra_tui.sandbox import Sandbox

ADELE = CONTOSO.users[0]
ORDERS_SCOPE = "api://contoso-orders/.default"
BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def post(sandbox: Sandbox, **form: str) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(sandbox.ca_path)
    return session.post(f"{sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/token", data=form)


def app_token(sandbox: Sandbox, **form: str) -> requests.Response:
    data = {"grant_type": "client_credentials", "client_id": ORDERS_SYNC.client_id,
            "client_secret": ORDERS_SYNC.secret or "", "scope": ORDERS_SCOPE}
    data.update(form)
    return post(sandbox, **data)


def error(response: requests.Response) -> tuple[int, int, str]:
    body = response.json()
    return response.status_code, body["error_codes"][0], body["error_description"]


def test_an_app_token_response_and_token_in_entra_s_shape(sandbox: Sandbox) -> None:
    response = app_token(sandbox, client_id=ORDERS_SYNC.client_id.upper())  # ids ignore case
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == body["ext_expires_in"] == 3599
    header = jwt.get_unverified_header(body["access_token"])
    assert sorted(header) == ["alg", "kid", "typ", "x5t"]  # Entra's header, no more
    assert header["typ"] == "JWT" and header["alg"] == "RS256" and header["kid"] and header["x5t"]
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == claims["oid"]
    assert claims["tid"] == CONTOSO.tenant_id and claims["ver"] == "2.0"
    assert claims["azp"] == ORDERS_SYNC.client_id and claims["azpacr"] == "1"
    assert claims["idtyp"] == "app"
    assert claims["roles"] == ["Orders.Read.All", "Orders.ReadWrite.All"]
    assert BASE64URL.fullmatch(claims["uti"]) and len(claims["uti"]) == 22  # 16 bytes


def test_a_client_without_grants_gets_a_token_without_roles(sandbox: Sandbox) -> None:
    arm_sp = CONTOSO.clients[7]
    response = app_token(sandbox, client_id=arm_sp.client_id, client_secret=arm_sp.secret or "",
                         scope="https://management.azure.com/.default")
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["idtyp"] == "app" and "roles" not in claims


def test_a_user_token_response_carries_client_info_and_pairwise_subjects(
        sandbox: Sandbox) -> None:
    response = post(sandbox, grant_type="password", client_id=CLI_TOOL.client_id,
                    username=ADELE.upn, password=ADELE.password or "",
                    scope="api://contoso-orders/Orders.Read openid profile offline_access")
    assert response.status_code == 200, response.text
    body = response.json()
    assert "=" not in body["client_info"]
    info = json.loads(base64.urlsafe_b64decode(body["client_info"] + "=="))
    assert info == {"uid": ADELE.object_id, "utid": CONTOSO.tenant_id}
    access = jwt.decode(body["access_token"], options={"verify_signature": False})
    id_token = jwt.decode(body["id_token"], options={"verify_signature": False})
    assert access["azpacr"] == "0" and access["scp"] == "Orders.Read"
    assert access["tid"] == id_token["tid"] == CONTOSO.tenant_id
    assert id_token["aud"] == CLI_TOOL.client_id and "nonce" not in id_token
    assert access["sub"] == id_token["sub"] != ADELE.object_id  # pairwise for this app
    assert BASE64URL.fullmatch(access["sub"]) and len(access["sub"]) == 43  # a SHA-256


@pytest.mark.parametrize(("form", "status", "code", "says"), [
    ({"client_id": "00000000-0000-4000-8000-000000000009"}, 400, 700016,
     "Application with identifier '00000000-0000-4000-8000-000000000009' was not found in "
     "the directory 'Contoso'"),
    ({"client_secret": "wrong"}, 401, 7000215, f"app '{ORDERS_SYNC.client_id}'"),
    ({"client_id": LEGACY_JOB.client_id, "client_secret": LEGACY_JOB.expired_secret or ""},
     401, 7000222, f"The provided client secret keys for app '{LEGACY_JOB.client_id}' are "
                   "expired"),
    ({"client_id": CLI_TOOL.client_id}, 401, 700025, f"Application '{CLI_TOOL.client_id}'"),
    ({"client_id": CLI_TOOL.client_id, "client_secret": None}, 401, 7000218,
     "'client_assertion' or 'client_secret'"),
    ({"client_secret": None, "client_assertion_type":
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, 401, 7000218,
     "'client_assertion' or 'client_secret'"),
    ({"grant_type": "urn:example:unknown"}, 400, 70003,
     "unsupported grant type 'urn:example:unknown'"),
    ({"scope": None}, 400, 900144, "must contain the following parameter: 'scope'"),
    ({"scope": "   "}, 400, 900144, "must contain the following parameter: 'scope'"),
])
def test_refusals_say_what_entra_says(sandbox: Sandbox, form: dict[str, str | None],
                                      status: int, code: int, says: str) -> None:
    data = {"grant_type": "client_credentials", "client_id": ORDERS_SYNC.client_id,
            "client_secret": ORDERS_SYNC.secret or "", "scope": ORDERS_SCOPE}
    data.update(form)  # type: ignore[arg-type]
    sent = {k: v for k, v in data.items() if v is not None}
    got_status, got_code, description = error(post(sandbox, **sent))
    assert (got_status, got_code) == (status, code), description
    assert says in description
