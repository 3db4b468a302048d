"""Microsoft's own apps, present in every tenant as in Entra: the APIs most tokens are for
(Microsoft Graph, Azure Resource Manager, Key Vault, Storage) and the Azure CLI public client.

App ids: https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/governance/
verify-first-party-apps-sign-in. Microsoft's APIs take v1.0 access tokens (their
`accessTokenAcceptedVersion` is null: https://learn.microsoft.com/en-us/entra/identity-platform/
access-tokens#token-formats). Graph's permission ids (a realistic subset): https://learn.microsoft
.com/en-us/graph/permissions-reference. ARM, Key Vault and Storage expose one delegated scope,
`user_impersonation`, and no app roles (ARM authorises with Azure RBAC instead); the ids are
those their service principals publish in every tenant (`az ad sp show --id <app id>`).
"""

from __future__ import annotations

from types import MappingProxyType

from entra_tui.sandbox.records import Api, ClientApp

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
ARM_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
KEY_VAULT_APP_ID = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"
STORAGE_APP_ID = "e406a681-f3d4-42a8-90b6-c2b029497af1"
AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
GRAPH_RESOURCE = "https://graph.microsoft.com"
ARM_RESOURCE = "https://management.azure.com/"
ARM_CLASSIC_RESOURCE = "https://management.core.windows.net/"  # what the Azure CLI asks for

# https://learn.microsoft.com/en-us/graph/permissions-reference (Identifier, Application column)
GRAPH_APP_ROLES = MappingProxyType({
    "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    "AuditLog.Read.All": "b0afded3-3588-46d8-8b3d-9842eff778da",
    "Group.Read.All": "5b567255-7703-4780-807c-7be8301ae99b",
    "GroupMember.Read.All": "98830695-27a2-44f7-8c18-0c3ebc9698f6",
    "Organization.Read.All": "498476ce-e0fe-48b0-b801-37ba7e2685c6",
})
# https://learn.microsoft.com/en-us/graph/permissions-reference (Identifier, Delegated column)
GRAPH_SCOPES = MappingProxyType({
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "User.ReadBasic.All": "b340eb25-3456-403f-be2f-af7a0d370277",
    "User.Read.All": "a154be20-db9c-4678-8ab7-66f6cc099a59",
    "Application.Read.All": "c79f8feb-a9db-4090-85f9-90d820caa0eb",
    "Directory.Read.All": "06da0dbc-49e2-44d2-8312-53f166ab848a",
    "Directory.AccessAsUser.All": "0e263e50-5827-48a4-b97c-d940288653c7",
    "AuditLog.Read.All": "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20",
    "Group.Read.All": "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
    "openid": "37f7f235-527c-4136-accd-4a02d197296e",
    "profile": "14dad69e-099b-42c9-810b-d002981feec1",
    "email": "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
})

GRAPH = Api(
    name="Microsoft Graph", client_id=GRAPH_APP_ID, identifier_uri=GRAPH_RESOURCE,
    other_identifier_uris=("https://graph.microsoft.com/", "https://canary.graph.microsoft.com"),
    app_roles=tuple(GRAPH_APP_ROLES), delegated_scopes=tuple(GRAPH_SCOPES),
    role_ids=GRAPH_APP_ROLES, scope_ids=GRAPH_SCOPES, token_version=1, first_party=True)
ARM = Api(
    name="Windows Azure Service Management API", client_id=ARM_APP_ID,
    identifier_uri=ARM_RESOURCE, other_identifier_uris=(ARM_CLASSIC_RESOURCE,),
    delegated_scopes=("user_impersonation",),
    scope_ids=MappingProxyType({"user_impersonation": "41094075-9dad-400e-a0bd-54e686782033"}),
    token_version=1, first_party=True)
KEY_VAULT = Api(
    name="Azure Key Vault", client_id=KEY_VAULT_APP_ID, identifier_uri="https://vault.azure.net",
    delegated_scopes=("user_impersonation",),
    scope_ids=MappingProxyType({"user_impersonation": "f53da476-18e3-4152-8e01-aec403e6edc0"}),
    token_version=1, first_party=True)
STORAGE = Api(
    name="Azure Storage", client_id=STORAGE_APP_ID, identifier_uri="https://storage.azure.com/",
    delegated_scopes=("user_impersonation",),
    scope_ids=MappingProxyType({"user_impersonation": "03e0da56-190b-40ad-a80c-ea378c433f7f"}),
    token_version=1, first_party=True)
FIRST_PARTY_APIS = (GRAPH, ARM, KEY_VAULT, STORAGE)

# The Azure CLI is pre-authorised for these in every tenant: no consent prompt, as in Entra.
AZURE_CLI = ClientApp(
    slug="azure-cli", name="Microsoft Azure CLI", client_id=AZURE_CLI_APP_ID,
    object_id="", public_client=True, first_party=True,
    consented_scopes=(f"{ARM_RESOURCE}user_impersonation",
                      f"{GRAPH_RESOURCE}/User.Read", f"{GRAPH_RESOURCE}/Directory.AccessAsUser.All",
                      "https://vault.azure.net/user_impersonation",
                      "https://storage.azure.com/user_impersonation"))
FIRST_PARTY_CLIENTS = (AZURE_CLI,)
