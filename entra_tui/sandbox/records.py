"""The directory's record types: APIs (resource apps), client apps with their service
principals, users and tenants. NamedTuples: the demo reads the directory before its first frame,
and a frozen dataclass costs ~1.5 ms to create where a NamedTuple costs a tenth of that."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

NO_IDS: Mapping[str, str] = MappingProxyType({})


class Api(NamedTuple):
    """A resource app (an API) that clients get tokens for.

    `token_version` is the app manifest's `accessTokenAcceptedVersion` (`api.requestedAccessToken
    Version` in Graph): null or 1 gives v1.0 access tokens, 2 gives v2.0, whichever endpoint the
    client called (https://learn.microsoft.com/en-us/entra/identity-platform/
    reference-microsoft-graph-app-manifest#accesstokenacceptedversion-attribute)."""

    name: str
    client_id: str
    identifier_uri: str
    app_roles: tuple[str, ...] = ()
    delegated_scopes: tuple[str, ...] = ()
    token_version: int = 2
    other_identifier_uris: tuple[str, ...] = ()
    role_ids: Mapping[str, str] = NO_IDS  # documented ids (first-party); others derived
    scope_ids: Mapping[str, str] = NO_IDS
    first_party: bool = False

    @property
    def identifier_uris(self) -> tuple[str, ...]:
        return (self.identifier_uri, *self.other_identifier_uris)

    def names(self, resource: str) -> bool:
        """Whether a scope's resource part names this API: an identifier URI (with or without
        the trailing slash, as Entra matches ARM's `https://management.azure.com/`), the app id,
        or `api://{app id}`."""
        wanted = resource.lower().rstrip("/")
        return wanted in (self.client_id, f"api://{self.client_id}") or any(
            uri.lower().rstrip("/") == wanted for uri in self.identifier_uris)


class FederatedCredential(NamedTuple):
    """Trust tokens from an external issuer (GitHub Actions, Kubernetes) for one subject."""

    issuer: str
    subject: str
    audience: str = "api://AzureADTokenExchange"


class ClientApp(NamedTuple):
    """An app registration that asks for tokens, with its service principal's object id.

    A multi-tenant app appears once per tenant that has its service principal: the same
    `client_id` and credentials (they live on the registration in `home_tenant_id`), its own
    `object_id` and its own grants in each tenant."""

    slug: str
    name: str
    client_id: str
    object_id: str
    secret: str | None = None
    expired_secret: str | None = None
    certificate: bool = False
    public_client: bool = False
    role_grants: Mapping[str, tuple[str, ...]] = MappingProxyType({})  # API client id -> roles
    # Delegated scopes users have consented to, as "resource/scope" strings.
    consented_scopes: tuple[str, ...] = ()
    federated_credentials: tuple[FederatedCredential, ...] = ()
    # App roles in requiredResourceAccess that no admin consented to (API client id -> roles).
    requested_roles: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    secret_days_left: int = 540  # the secret's endDateTime, in days from now
    group_claims: bool = False  # groupMembershipClaims "SecurityGroup"
    home_tenant_id: str = ""  # set on a multi-tenant app's service principal elsewhere
    first_party: bool = False
    app_object_id: str = ""  # the application object's id (Graph /applications)


class User(NamedTuple):
    name: str
    upn: str
    object_id: str
    password: str = ""
    mfa_required: bool = False
    group_count: int = 0  # security groups the user is a member of (overage past 200)


class Tenant(NamedTuple):
    slug: str
    display_name: str
    tenant_id: str
    domain: str
    apis: tuple[Api, ...]
    clients: tuple[ClientApp, ...]
    users: tuple[User, ...] = ()

    def api_for_scope_resource(self, resource: str) -> Api | None:
        """Find an API by Application ID URI, `api://{client id}` or bare client id."""
        return next((api for api in self.apis if api.names(resource)), None)

    def user(self, upn: str) -> User | None:
        return next((u for u in self.users if u.upn == upn.lower()), None)

    def client(self, client_id: str) -> ClientApp | None:
        """An app with a service principal here, or a Microsoft first-party app (those have
        one in every tenant)."""
        from entra_tui.sandbox.first_party import FIRST_PARTY_CLIENTS

        wanted = client_id.lower()
        return next((c for c in (*self.clients, *FIRST_PARTY_CLIENTS)
                     if c.client_id == wanted), None)
