"""The Azure SDK's credentials against the sandbox, as the README shows them: azure-identity
with `authority=` and `disable_instance_discovery=True`, and the sandbox CA as
`connection_verify`. The tokens then call the sandbox's own ARM and Graph."""

from __future__ import annotations

import jwt
from azure.identity import CertificateCredential, ClientSecretCredential, DeviceCodeCredential
from sandbox_clients import ADELE, ARM_DEPLOYER, CONTOSO, DIRECTORY_READER, bearer, http

from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.first_party import AZURE_CLI_APP_ID

BILLING = CONTOSO.clients[1]


def options(sandbox: Sandbox) -> dict[str, object]:
    return {"authority": sandbox.base_url, "disable_instance_discovery": True,
            "connection_verify": str(sandbox.ca_path)}


def test_client_secret_credential_then_arm(sandbox: Sandbox) -> None:
    credential = ClientSecretCredential(CONTOSO.tenant_id, ARM_DEPLOYER.client_id,
                                        ARM_DEPLOYER.secret or "", **options(sandbox))
    token = credential.get_token("https://management.azure.com/.default").token
    subscriptions = http(sandbox).get(
        f"{sandbox.base_url}/arm/subscriptions?api-version=2022-12-01",
        headers=bearer(token)).json()["value"]
    assert [s["displayName"] for s in subscriptions] == ["Contoso Sandbox Subscription"]


def test_client_secret_credential_then_graph(sandbox: Sandbox) -> None:
    credential = ClientSecretCredential(CONTOSO.tenant_id, DIRECTORY_READER.client_id,
                                        DIRECTORY_READER.secret or "", **options(sandbox))
    token = credential.get_token("https://graph.microsoft.com/.default").token
    users = http(sandbox).get(f"{sandbox.base_url}/graph/v1.0/users",
                              headers=bearer(token)).json()["value"]
    assert ADELE.upn in {u["userPrincipalName"] for u in users}


def test_certificate_credential(sandbox: Sandbox) -> None:
    credential = CertificateCredential(CONTOSO.tenant_id, BILLING.client_id,
                                       str(sandbox.certificate_path(BILLING.slug)),
                                       **options(sandbox))
    claims = jwt.decode(credential.get_token("https://vault.azure.net/.default").token,
                        options={"verify_signature": False})
    assert claims["appidacr"] == "2" and claims["aud"] == "https://vault.azure.net"


def test_device_code_credential_as_the_azure_cli(sandbox: Sandbox) -> None:
    def approve(verification_uri: str, user_code: str, expires_on: object) -> None:
        assert verification_uri == f"{sandbox.base_url}/device"
        http(sandbox).post(verification_uri, data={"code": user_code}).raise_for_status()

    credential = DeviceCodeCredential(AZURE_CLI_APP_ID, tenant_id=CONTOSO.tenant_id,
                                      prompt_callback=approve, **options(sandbox))
    claims = jwt.decode(credential.get_token("https://management.core.windows.net//.default"
                                             ).token, options={"verify_signature": False})
    assert claims["appid"] == AZURE_CLI_APP_ID and claims["upn"] == ADELE.upn
