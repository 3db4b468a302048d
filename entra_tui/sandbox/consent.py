"""Consent a person gives on the sandbox's sign-in pages, and what each permission means.

Entra records a user's consent as a delegated permission grant for one user, one client and one
resource (Graph's `oAuth2PermissionGrant` with `consentType` "Principal":
https://learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant). The sandbox keeps
them in memory; the token endpoint adds them to the app's tenant-wide grants, so a code, a
refresh token or a device code redeemed after consent gets the consented scopes.

Descriptions are the user-consent texts of the permissions (Graph's from
https://learn.microsoft.com/en-us/graph/permissions-reference, the OpenID scopes' from
https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#openid-connect-scopes);
the sandbox's own APIs say what their scopes allow.
"""

from __future__ import annotations

import threading

from entra_tui.sandbox.records import ClientApp, Tenant, User
from entra_tui.sandbox.resources import OIDC_SCOPES, consented, requested_scopes

SCOPE_DESCRIPTIONS = {
    "openid": "Sign you in",
    "profile": "View your basic profile",
    "email": "View your email address",
    "offline_access": "Maintain access to data you have given it access to",
    "User.Read": "Sign you in and read your profile",
    "User.ReadBasic.All": "Read all users' basic profiles",
    "User.Read.All": "Read all users' full profiles",
    "Group.Read.All": "Read all groups",
    "AuditLog.Read.All": "Read audit log data",
    "Directory.Read.All": "Read directory data",
    "Directory.AccessAsUser.All": "Access the directory as you",
    "Application.Read.All": "Read applications",
    "user_impersonation": "Access the service as you",
    "Orders.Read": "Read your orders in the Contoso Orders API",
    "Billing.Read": "Read your billing data in the Contoso Billing API",
    "Reports.Read": "Read reports in the Contoso Reports API",
}


def describe(scope: str) -> str:
    name = scope.rpartition("/")[2] or scope
    return SCOPE_DESCRIPTIONS.get(name, f"Use the permission {name}")


class ConsentStore:
    """Per-user delegated grants: (tenant id, user object id, client id) -> scopes."""

    def __init__(self) -> None:
        self._grants: dict[tuple[str, str, str], set[str]] = {}
        self._lock = threading.Lock()

    def grant(self, tenant: Tenant, user: User, client: ClientApp, scopes: list[str]) -> None:
        key = (tenant.tenant_id, user.object_id, client.client_id)
        with self._lock:
            self._grants.setdefault(key, set()).update(
                s for s in scopes if s not in OIDC_SCOPES)

    def effective(self, tenant: Tenant, user: User, client: ClientApp) -> ClientApp:
        """The app as the token endpoint sees it for this user: its tenant-wide consent plus
        what the user consented to."""
        with self._lock:
            extra = sorted(self._grants.get((tenant.tenant_id, user.object_id,
                                             client.client_id), ()))
        if not extra:
            return client
        return client._replace(consented_scopes=(*client.consented_scopes, *extra))

    def missing(self, tenant: Tenant, user: User, client: ClientApp,
                scopes: list[str]) -> list[str]:
        """The requested resource scopes this user has not consented to (an empty list when
        everything is granted). Unknown scopes raise the token endpoint's errors."""
        if not [s for s in scopes if s not in OIDC_SCOPES]:
            return []
        api, resource, names = requested_scopes(tenant, scopes)
        granted = consented(self.effective(tenant, user, client), api)
        if names == [".default"]:
            return [] if granted else [f"{resource}/.default"]
        return [f"{resource}/{name}" for name in names if name not in granted]
