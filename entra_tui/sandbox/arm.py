"""A small Azure Resource Manager at `{origin}/arm`: GET /subscriptions, GET /tenants and
GET /metadata/endpoints, each with `api-version` as ARM requires
(https://learn.microsoft.com/en-us/rest/api/resources/subscriptions/list,
https://learn.microsoft.com/en-us/rest/api/resources/tenants/list; errors
https://learn.microsoft.com/en-us/azure/azure-resource-manager/troubleshooting/
common-deployment-errors). ARM authorises with Azure RBAC, not app roles: a service
principal's token has no `roles`, and /subscriptions lists those where the principal (`oid`)
holds a role assignment.
"""

from __future__ import annotations

from typing import Any

from entra_tui.sandbox.directory import TENANTS, find_tenant
from entra_tui.sandbox.first_party import ARM_CLASSIC_RESOURCE, ARM_RESOURCE, GRAPH_RESOURCE
from entra_tui.sandbox.services import Call, Services, TokenRejected
from entra_tui.sandbox.wire import Response

AUDIENCES = frozenset({ARM_RESOURCE, ARM_RESOURCE.rstrip("/"), ARM_CLASSIC_RESOURCE,
                       ARM_CLASSIC_RESOURCE.rstrip("/")})
CONTOSO, FABRIKAM = TENANTS
ARM_DEPLOYER = next(c for c in CONTOSO.clients if c.slug == "arm-deployer")
# (subscription id, display name, tenant id, principals (oid) with an RBAC role on it)
SUBSCRIPTIONS = (
    ("0b1f6471-1bf0-4dda-aec3-cb9272f09590", "Contoso Sandbox Subscription", CONTOSO.tenant_id,
     frozenset({ARM_DEPLOYER.object_id, CONTOSO.users[0].object_id})),
    ("8c5e3d2a-7f4b-4a6c-9e1d-2b3a4c5d6e7f", "Fabrikam Sandbox Subscription",
     FABRIKAM.tenant_id, frozenset({FABRIKAM.users[0].object_id})),
)


def needs_token(call: Call) -> bool:
    return [p for p in call.path.split("/") if p] != ["metadata", "endpoints"]


def unauthorized(services: Services, call: Call, exc: TokenRejected) -> Response:
    code = exc.code if exc.code != "InvalidAuthenticationTokenTenant" else \
        "InvalidAuthenticationToken"
    message = exc.message
    if exc.code == "InvalidAuthenticationTokenAudience":
        message = (f"The access token has been obtained for wrong audience or resource "
                   f"'{message.split(chr(39))[1]}'. It should exactly match with one of the "
                   f"allowed audiences '{ARM_CLASSIC_RESOURCE}','"
                   f"{ARM_CLASSIC_RESOURCE.rstrip('/')}','{ARM_RESOURCE}','"
                   f"{ARM_RESOURCE.rstrip('/')}'.")
    elif exc.message == "Access token is empty.":
        code, message = "AuthenticationFailed", ("Authentication failed. The 'Authorization' "
                                                 "header is missing.")
    response = Response.json(401, {"error": {"code": code, "message": message}})
    response.headers["WWW-Authenticate"] = (
        f'Bearer authorization_uri="{services.base_url}/", error="invalid_token", '
        f'error_description="{message.replace(chr(34), chr(39))}"')
    return response


def route(services: Services, call: Call) -> Response:
    parts = [p for p in call.path.split("/") if p]
    if "api-version" not in call.query:
        return Response.json(400, {"error": {
            "code": "MissingApiVersionParameter",
            "message": "The api-version query parameter (?api-version=) is required for all "
                       "requests."}})
    if call.request.method != "GET":
        return Response.json(405, {"error": {"code": "MethodNotAllowed",
                                             "message": "The sandbox's ARM only reads."}})
    if parts == ["metadata", "endpoints"]:
        return Response.json(200, metadata(services.base_url, call.query["api-version"]))
    if parts == ["subscriptions"]:
        principal = str(call.claims.get("oid", ""))
        tenant_id = str(call.claims.get("tid", ""))
        return Response.json(200, {"value": [
            subscription(sid, name, tid) for sid, name, tid, principals in SUBSCRIPTIONS
            if tid == tenant_id and principal in principals],
            "count": {"type": "Total", "value": sum(
                1 for _, _, tid, principals in SUBSCRIPTIONS
                if tid == tenant_id and principal in principals)}})
    if parts == ["tenants"]:
        tenant = find_tenant(str(call.claims.get("tid", "")))
        return Response.json(200, {"value": [tenant_json(tenant)] if tenant else []})
    return Response.json(404, {"error": {
        "code": "InvalidResourceType",
        "message": f"The resource type '{'/'.join(parts)}' could not be found in the sandbox."}})


def subscription(subscription_id: str, name: str, tenant_id: str) -> dict[str, Any]:
    return {"id": f"/subscriptions/{subscription_id}", "authorizationSource": "RoleBased",
            "managedByTenants": [], "subscriptionId": subscription_id, "tenantId": tenant_id,
            "displayName": name, "state": "Enabled",
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01",
                                     "quotaId": "PayAsYouGo_2014-09-01",
                                     "spendingLimit": "Off"}}


def tenant_json(tenant: Any) -> dict[str, Any]:
    return {"id": f"/tenants/{tenant.tenant_id}", "tenantId": tenant.tenant_id,
            "countryCode": "US", "displayName": tenant.display_name,
            "domains": [tenant.domain], "tenantCategory": "Home",
            "defaultDomain": tenant.domain, "tenantType": "AAD"}


def metadata(base_url: str, api_version: str) -> Any:
    """The cloud's endpoints, as a private cloud's ARM answers /metadata/endpoints (one cloud
    object, as Azure Stack Hub's does; management.azure.com lists all public clouds instead):
    the 2019-05-01+ shape, which `az cloud register --endpoint-resource-manager` reads with
    api-version 2022-09-01, or the older shape for earlier versions. Resources keep their real
    identifiers; endpoints are the sandbox's."""
    login = f"{base_url}/"
    if api_version < "2019-05-01":
        return {"galleryEndpoint": "", "graphEndpoint": f"{base_url}/graph/",
                "portalEndpoint": "", "authentication": {
                    "loginEndpoint": login,
                    "audiences": [ARM_CLASSIC_RESOURCE, ARM_RESOURCE]}}
    return {
        "portal": "", "authentication": {
            "loginEndpoint": login, "audiences": [ARM_CLASSIC_RESOURCE, ARM_RESOURCE],
            "tenant": "common", "identityProvider": "AAD"},
        "media": "", "graphAudience": GRAPH_RESOURCE, "graph": f"{base_url}/graph/",
        "name": "AzureSandbox", "suffixes": {
            "azureDataLakeStoreFileSystem": "", "acrLoginServer": "", "sqlServerHostname": "",
            "azureDataLakeAnalyticsCatalogAndJob": "", "keyVaultDns": "vault.azure.net",
            "storage": "core.windows.net", "azureFrontDoorEndpointSuffix": ""},
        "batch": "", "resourceManager": f"{base_url}/arm/", "vmImageAliasDoc": "",
        "activeDirectoryDataLake": "", "sqlManagement": "",
        "microsoftGraphResourceId": f"{GRAPH_RESOURCE}/", "appInsightsResourceId": "",
        "appInsightsTelemetryChannelResourceId": "", "attestationResourceId": "",
        "synapseAnalyticsResourceId": "", "logAnalyticsResourceId": "",
        "ossrDbmsResourceId": "",
    }
