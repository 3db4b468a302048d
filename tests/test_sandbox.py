"""The sandbox tenant speaks Entra's protocol, checked with real clients (MSAL, PyJWT,
requests) over real HTTPS."""

from __future__ import annotations

import ssl
import threading
import time
import uuid

import jwt
import msal
import pytest
import requests
from conftest import BILLING, CLI_TOOL, CONTOSO, ORDERS_SYNC

from entra_tui.sandbox import Sandbox


def http(sandbox: Sandbox) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(sandbox.ca_path)
    return session


def token_url(sandbox: Sandbox) -> str:
    return f"{sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/token"


def test_binds_to_loopback_only(sandbox: Sandbox) -> None:
    assert sandbox.base_url.startswith("https://127.0.0.1:")
    assert sandbox.address[0] == "127.0.0.1"


def test_discovery_by_domain_and_by_id_names_the_tenant(sandbox: Sandbox) -> None:
    for tenant in (CONTOSO.domain, CONTOSO.tenant_id):
        doc = http(sandbox).get(
            f"{sandbox.base_url}/{tenant}/v2.0/.well-known/openid-configuration").json()
        assert doc["issuer"] == f"{sandbox.base_url}/{CONTOSO.tenant_id}/v2.0"
        assert doc["token_endpoint"] == token_url(sandbox)
        assert doc["jwks_uri"].endswith("/discovery/v2.0/keys")
        assert doc["device_authorization_endpoint"].endswith("/oauth2/v2.0/devicecode")


def test_unknown_tenant_is_aadsts90002(sandbox: Sandbox) -> None:
    response = http(sandbox).get(
        f"{sandbox.base_url}/nope.onmicrosoft.com/v2.0/.well-known/openid-configuration")
    assert response.status_code == 400
    body = response.json()
    assert body["error_codes"] == [90002]
    assert body["error_description"].startswith("AADSTS90002: ")
    for field in ("trace_id", "correlation_id", "timestamp", "error_uri"):
        assert body[field]


def test_tokens_verify_against_the_published_jwks(sandbox: Sandbox) -> None:
    response = http(sandbox).post(token_url(sandbox), data={
        "grant_type": "client_credentials", "client_id": ORDERS_SYNC.client_id,
        "client_secret": ORDERS_SYNC.secret, "scope": "api://contoso-orders/.default"})
    token = response.json()["access_token"]
    keys = jwt.PyJWKClient(
        f"{sandbox.base_url}/{CONTOSO.tenant_id}/discovery/v2.0/keys",
        ssl_context=ssl.create_default_context(cafile=str(sandbox.ca_path)))
    key = keys.get_signing_key_from_jwt(token)
    issuer = f"{sandbox.base_url}/{CONTOSO.tenant_id}/v2.0"
    claims = jwt.decode(token, key.key, algorithms=["RS256"],
                        audience=CONTOSO.apis[0].client_id, issuer=issuer)
    assert claims["tid"] == CONTOSO.tenant_id
    jwk = keys.get_jwk_set().keys[0]._jwk_data
    assert jwk["issuer"].replace("{tenantid}", claims["tid"]) == issuer
    assert jwt.get_unverified_header(token)["x5t"] == jwk["x5t"]


def test_correlation_id_echoes_client_request_id(sandbox: Sandbox) -> None:
    request_id = str(uuid.uuid4())
    response = http(sandbox).post(token_url(sandbox), headers={"client-request-id": request_id},
                                  data={"grant_type": "client_credentials",
                                        "client_id": ORDERS_SYNC.client_id,
                                        "client_secret": "wrong", "scope": "x/.default"})
    assert response.status_code == 401
    assert response.json()["correlation_id"] == request_id


@pytest.mark.parametrize(("form", "code"), [
    ({"client_secret": "wrong"}, 7000215),
    ({}, 7000218),
    ({"client_id": "00000000-0000-4000-8000-000000000009"}, 700016),
    ({"scope": "api://contoso-orders/Orders.Read"}, 1002012),
    ({"scope": "api://nothing/.default"}, 500011),
    ({"scope": "a/.default b/.default"}, 70011),
    ({"grant_type": "urn:example:unknown"}, 70003),
])
def test_token_endpoint_says_no_like_entra(sandbox: Sandbox, form: dict[str, str],
                                           code: int) -> None:
    data = {"grant_type": "client_credentials", "client_id": ORDERS_SYNC.client_id,
            "client_secret": ORDERS_SYNC.secret, "scope": "api://contoso-orders/.default"}
    if form == {}:
        del data["client_secret"]
    data.update(form)
    response = http(sandbox).post(token_url(sandbox), data=data)
    assert response.status_code in (400, 401)
    assert response.json()["error_codes"] == [code]


def assertion(sandbox: Sandbox, **claims: object) -> str:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = sandbox.certificate_path(BILLING.slug).read_bytes()
    key = load_pem_private_key(pem.split(b"-----BEGIN CERTIFICATE")[0], None)
    certificate = sandbox.client_certificates[BILLING.client_id]
    now = int(time.time())
    payload = {"aud": token_url(sandbox), "iss": BILLING.client_id, "sub": BILLING.client_id,
               "jti": str(uuid.uuid4()), "nbf": now, "exp": now + 600}
    payload.update(claims)
    return jwt.encode(payload, key, algorithm="RS256",
                      headers={"x5t": certificate.x5t})  # type: ignore[attr-defined]


@pytest.mark.parametrize(("claims", "code"), [
    ({}, None),
    ({"aud": "https://example.com/token"}, 700023),
    ({"exp": int(time.time()) - 3600, "nbf": int(time.time()) - 7200}, 700024),
    ({"nbf": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, 700024),
    ({"iss": ORDERS_SYNC.client_id}, 700021),
])
def test_client_assertions_are_really_checked(sandbox: Sandbox, claims: dict[str, object],
                                              code: int | None) -> None:
    response = http(sandbox).post(token_url(sandbox), data={
        "grant_type": "client_credentials", "client_id": BILLING.client_id,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion(sandbox, **claims),
        "scope": "api://contoso-orders/.default"})
    if code is None:
        assert response.status_code == 200, response.text
    else:
        assert response.json()["error_codes"] == [code]


def test_device_code_flow_with_msal_and_approval_page(sandbox: Sandbox) -> None:
    app = msal.PublicClientApplication(
        CLI_TOOL.client_id, authority=f"{sandbox.base_url}/{CONTOSO.domain}",
        http_client=http(sandbox), instance_discovery=False)
    flow = app.initiate_device_flow(scopes=["api://contoso-orders/Orders.Read"])
    assert flow["verification_uri"] == f"{sandbox.base_url}/device"
    assert flow["user_code"] in flow["message"]
    outcome: dict[str, object] = {}
    waiter = threading.Thread(
        target=lambda: outcome.update(app.acquire_token_by_device_flow(flow)))
    waiter.start()
    time.sleep(1.2)  # at least one poll answered "authorization_pending"
    page = http(sandbox).post(f"{sandbox.base_url}/device", data={"code": flow["user_code"]})
    assert page.status_code == 200 and "Signed in" in page.text
    waiter.join(timeout=15)
    assert "access_token" in outcome, outcome
    claims = jwt.decode(str(outcome["access_token"]), options={"verify_signature": False})
    assert claims["scp"] == "Orders.Read"
    assert claims["preferred_username"] == CONTOSO.users[0].upn
    assert outcome["id_token_claims"]["aud"] == CLI_TOOL.client_id  # type: ignore[index]


def test_device_code_can_expire_and_be_cancelled(sandbox: Sandbox) -> None:
    app = msal.PublicClientApplication(
        CLI_TOOL.client_id, authority=f"{sandbox.base_url}/{CONTOSO.domain}",
        http_client=http(sandbox), instance_discovery=False)
    flow = app.initiate_device_flow(scopes=["api://contoso-orders/Orders.Read"])
    flow["expires_at"] = 0  # MSAL's documented way to stop a blocked poll
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" not in result


def test_unknown_device_code_is_refused(sandbox: Sandbox) -> None:
    response = http(sandbox).post(token_url(sandbox), data={
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": CLI_TOOL.client_id, "device_code": "made-up"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_stop_frees_the_port_and_removes_keys() -> None:
    sandbox = Sandbox().start()
    state_dir, port = sandbox.state_dir, sandbox.port
    sandbox.stop()
    assert not state_dir.exists()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"https://127.0.0.1:{port}/", timeout=2, verify=False)


def device_code(sandbox: Sandbox) -> dict[str, object]:
    return http(sandbox).post(
        f"{sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/devicecode",
        data={"client_id": CLI_TOOL.client_id,
              "scope": "api://contoso-orders/Orders.Read openid"}).json()


def redeem(sandbox: Sandbox, code: str) -> requests.Response:
    return http(sandbox).post(token_url(sandbox), data={
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": CLI_TOOL.client_id, "device_code": code})


def test_device_code_pending_then_approved_then_used(sandbox: Sandbox) -> None:
    started = device_code(sandbox)
    pending = redeem(sandbox, str(started["device_code"]))
    assert pending.status_code == 400 and pending.json()["error_codes"] == [70016]
    assert pending.json()["error"] == "authorization_pending"
    http(sandbox).post(f"{sandbox.base_url}/device", data={"code": started["user_code"]})
    assert "access_token" in redeem(sandbox, str(started["device_code"])).json()
    assert redeem(sandbox, str(started["device_code"])).json()["error"] == "invalid_grant"


def test_device_code_expiry_is_70019(sandbox: Sandbox) -> None:
    started = device_code(sandbox)
    sandbox._device_codes._by_device[str(started["device_code"])].expires_at = 0
    expired = redeem(sandbox, str(started["device_code"]))
    assert expired.json()["error_codes"] == [70019]


# --- the sandbox says no where Entra would ----------------------------------------------------

def post_token(sandbox: Sandbox, **form: str) -> requests.Response:
    return http(sandbox).post(token_url(sandbox), data=form)


def test_an_assertion_signed_by_another_key_is_refused(sandbox: Sandbox) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = sandbox.client_certificates[BILLING.client_id]
    now = int(time.time())
    forged = jwt.encode({"aud": token_url(sandbox), "iss": BILLING.client_id,
                         "sub": BILLING.client_id, "jti": str(uuid.uuid4()),
                         "nbf": now, "exp": now + 600}, stranger, algorithm="RS256",
                        headers={"x5t": certificate.x5t})  # type: ignore[attr-defined]
    response = post_token(
        sandbox, grant_type="client_credentials", client_id=BILLING.client_id,
        client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion=forged, scope="api://contoso-orders/.default")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"




def _self_signed_certificate() -> object:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone else")])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))

def test_an_x5c_chain_must_start_with_the_certificate_x5t_names(sandbox: Sandbox) -> None:
    """Subject name and issuer authentication: the leaf in `x5c` must be the registered
    certificate; another certificate, a malformed chain or a non-list is refused."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = sandbox.certificate_path(BILLING.slug).read_bytes()
    key = load_pem_private_key(pem.split(b"-----BEGIN CERTIFICATE")[0], None)
    own = sandbox.client_certificates[BILLING.client_id]
    other = _self_signed_certificate()

    def der(certificate: object) -> str:
        certificate = getattr(certificate, "certificate", certificate)
        return base64.b64encode(certificate.public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER)).decode()

    def send(x5c: object) -> requests.Response:
        now = int(time.time())
        signed = jwt.encode({"aud": token_url(sandbox), "iss": BILLING.client_id,
                             "sub": BILLING.client_id, "jti": str(uuid.uuid4()),
                             "nbf": now, "exp": now + 600}, key, algorithm="RS256",
                            headers={"x5t": own.x5t, "x5c": x5c})  # type: ignore[attr-defined]
        return post_token(
            sandbox, grant_type="client_credentials", client_id=BILLING.client_id,
            client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            client_assertion=signed, scope="api://contoso-orders/.default")

    assert send([der(own)]).status_code == 200
    for chain in ([der(other)], [der(other), der(own)], ["not base64!"], der(own), []):
        refused = send(chain)
        assert refused.status_code == 401, chain
        assert refused.json()["error"] == "invalid_client"

def test_a_replayed_assertion_jti_is_refused(sandbox: Sandbox) -> None:
    signed = assertion(sandbox)
    form = {"grant_type": "client_credentials", "client_id": BILLING.client_id,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": signed, "scope": "api://contoso-orders/.default"}
    assert post_token(sandbox, **form).status_code == 200
    replay = post_token(sandbox, **form)
    assert replay.json()["error_codes"] == [700025]


def authorization_code(sandbox: Sandbox, verifier: str, redirect_uri: str) -> str:
    import base64
    import hashlib
    from urllib.parse import parse_qs, urlsplit

    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    response = http(sandbox).get(
        f"{sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/authorize",
        params={"client_id": CLI_TOOL.client_id, "redirect_uri": redirect_uri,
                "response_type": "code", "scope": "openid profile offline_access api://contoso-orders/Orders.Read",
                "code_challenge": challenge.rstrip(b"=").decode(),
                "code_challenge_method": "S256", "state": "s"},
        allow_redirects=False)
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


REDIRECT = "http://localhost:8400"
VERIFIER = "v" * 50


def redeem_code(sandbox: Sandbox, code: str, verifier: str = VERIFIER,
           redirect_uri: str = REDIRECT) -> requests.Response:
    return post_token(sandbox, grant_type="authorization_code", client_id=CLI_TOOL.client_id,
                      code=code, redirect_uri=redirect_uri, code_verifier=verifier,
                      scope="openid profile offline_access api://contoso-orders/Orders.Read")


def test_an_authorization_code_works_once(sandbox: Sandbox) -> None:
    code = authorization_code(sandbox, VERIFIER, REDIRECT)
    assert redeem_code(sandbox, code).status_code == 200
    again = redeem_code(sandbox, code)
    assert again.json()["error_codes"] == [70008]


def test_a_wrong_pkce_verifier_is_refused(sandbox: Sandbox) -> None:
    code = authorization_code(sandbox, VERIFIER, REDIRECT)
    assert redeem_code(sandbox, code, verifier="w" * 50).json()["error_codes"] == [501481]


def test_a_different_redirect_uri_is_refused(sandbox: Sandbox) -> None:
    code = authorization_code(sandbox, VERIFIER, REDIRECT)
    refused = redeem_code(sandbox, code, redirect_uri="http://localhost:9999")
    assert refused.json()["error_codes"] == [50011]


def test_a_refresh_token_for_another_client_is_refused(sandbox: Sandbox) -> None:
    tokens = redeem_code(sandbox, authorization_code(sandbox, VERIFIER, REDIRECT)).json()
    stolen = post_token(sandbox, grant_type="refresh_token", client_id=ORDERS_SYNC.client_id,
                        client_secret=ORDERS_SYNC.secret, refresh_token=tokens["refresh_token"],
                        scope="api://contoso-orders/Orders.Read")
    assert stolen.json()["error_codes"] == [700003]
    own = post_token(sandbox, grant_type="refresh_token", client_id=CLI_TOOL.client_id,
                     refresh_token=tokens["refresh_token"], scope="api://contoso-orders/Orders.Read")
    assert own.status_code == 200, own.text



def test_a_refresh_continues_the_sign_in_session_and_a_new_sign_in_starts_another(
        sandbox: Sandbox) -> None:
    """`sid` names the sign-in session: tokens refreshed from it keep it; signing in again
    gives a new one (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference)."""
    def sid(response: requests.Response) -> str:
        assert response.status_code == 200, response.text
        return str(jwt.decode(response.json()["access_token"],
                              options={"verify_signature": False})["sid"])

    first = redeem_code(sandbox, authorization_code(sandbox, VERIFIER, REDIRECT))
    session = sid(first)
    refreshed = post_token(sandbox, grant_type="refresh_token", client_id=CLI_TOOL.client_id,
                           refresh_token=first.json()["refresh_token"],
                           scope="api://contoso-orders/Orders.Read")
    assert sid(refreshed) == session
    again = post_token(sandbox, grant_type="refresh_token", client_id=CLI_TOOL.client_id,
                       refresh_token=refreshed.json()["refresh_token"],
                       scope="api://contoso-orders/Orders.Read")
    assert sid(again) == session
    other = redeem_code(sandbox, authorization_code(sandbox, VERIFIER, REDIRECT))
    assert sid(other) != session

def test_requests_for_a_tenant_that_does_not_exist_are_refused(sandbox: Sandbox) -> None:
    response = http(sandbox).post(
        f"{sandbox.base_url}/00000000-0000-4000-8000-0000000000aa/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": ORDERS_SYNC.client_id,
              "client_secret": ORDERS_SYNC.secret, "scope": "api://contoso-orders/.default"})
    assert response.status_code == 400
    assert response.json()["error_codes"] == [90002]
