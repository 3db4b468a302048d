"""The sandbox's directory, in one readable place: tenants, their APIs, apps and users.

Secrets here are sandbox-only values (never valid anywhere else). Certificates are generated
when the sandbox starts; an app marked `certificate=True` trusts the one made for it.
Records are NamedTuples: the demo reads this module before its first frame, and a frozen
dataclass costs ~1.5 ms to create where a NamedTuple costs a tenth of that.
"""

from __future__ import annotations

from entra_tui.sandbox.first_party import (
    FIRST_PARTY_APIS,
    GRAPH_APP_ID,
    GRAPH_RESOURCE,
)
from entra_tui.sandbox.records import Api, ClientApp, FederatedCredential, Tenant, User

__all__ = ["GRAPH_APP_ID", "Api", "ClientApp", "FederatedCredential", "Tenant", "User",
           "TENANTS", "MANAGED_IDENTITY", "find_tenant"]

PFX_PASSWORD = "sandbox-pfx-password"  # protects the PKCS#12 copies of certificates
# The sandbox plays the external workload issuer too; its tokens go in a file, as in AKS.
WORKLOAD_ISSUER = "https://oidc.sandbox.entra-tui/workloads"
WORKLOAD_SUBJECT = "system:serviceaccount:deploy:deploy-bot"


CONTOSO_ORDERS_API = Api(
    name="Contoso Orders API",
    client_id="3b0f7a52-6c1e-4d8a-9f20-1a7c5e9b4d31",
    identifier_uri="api://contoso-orders",
    app_roles=("Orders.Read.All", "Orders.ReadWrite.All"),
    delegated_scopes=("Orders.Read",),
)
CONTOSO_BILLING_API = Api(
    name="Contoso Billing API",
    client_id="5c7e9a1b-3d5f-4e7a-9c1e-3b5d7f9a1c2e",
    identifier_uri="api://contoso-billing",
    app_roles=("Billing.Read.All",),
    delegated_scopes=("Billing.Read",),
)
CONTOSO_REPORTS_API = Api(  # an older API that still takes v1.0 tokens
    name="Contoso Reports API (v1 tokens)",
    client_id="6e8a0c2d-4f1b-4a3c-8e5d-7f9b1d3e5a70",
    identifier_uri="api://contoso-reports",
    app_roles=("Reports.Read.All",),
    delegated_scopes=("Reports.Read",),
    token_version=1,
)
FABRIKAM_INVENTORY_API = Api(
    name="Fabrikam Inventory API",
    client_id="8d2e4c61-0b9f-4a3d-b7e5-6f1a2c3d4e50",
    identifier_uri="api://fabrikam-inventory",
    app_roles=("Inventory.Read",),
)

CONTOSO_TENANT_ID = "2d9f4b6a-8c1e-4f3a-b5d7-0e2c4a6b8d10"
# A multi-tenant app registered in Contoso (its credentials live there); Fabrikam has its
# service principal too, so it gets tokens there, with Fabrikam's grants.
PARTNER_PORTAL = ClientApp(
    slug="partner-portal",
    name="Contoso Partner Portal (multi-tenant)",
    client_id="3e5a7c9b-1d3f-4e5a-9c7b-1d3f5a7c9e0b",
    object_id="6f8b0d2a-4c6e-4f8b-8d2a-4c6e8f0b2d4a",
    secret="Pp74Q~sandbox.PartnerPortal.S3cret-Only-Valid-Here",
    role_grants={GRAPH_APP_ID: ("Organization.Read.All",)},
)

TENANTS: tuple[Tenant, ...] = (
    Tenant(
        slug="contoso",
        display_name="Contoso",
        tenant_id=CONTOSO_TENANT_ID,
        domain="contoso.onmicrosoft.com",
        apis=(CONTOSO_ORDERS_API, CONTOSO_BILLING_API, CONTOSO_REPORTS_API, *FIRST_PARTY_APIS),
        clients=(
            ClientApp(
                slug="orders-sync",
                name="Contoso Order Sync",
                client_id="c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b",
                object_id="1e5d7c9b-2a4f-4e6d-8c0b-3a5f7e9d1c2b",
                secret="Xr48Q~sandbox.OrderSync.S3cret-Only-Valid-Here",
                role_grants={CONTOSO_ORDERS_API.client_id: ("Orders.Read.All",
                                                            "Orders.ReadWrite.All"),
                             CONTOSO_REPORTS_API.client_id: ("Reports.Read.All",)},
            ),
            ClientApp(
                slug="billing-daemon",
                name="Contoso Billing Daemon",
                client_id="b7c8d9e0-f1a2-4b3c-9d4e-5f6a7b8c9d0e",
                object_id="4f6e8d0c-1b3a-4c5e-9f7d-2e4c6a8b0d1f",
                certificate=True,
                role_grants={CONTOSO_ORDERS_API.client_id: ("Orders.Read.All",)},
            ),
            ClientApp(
                slug="cli-tool",
                name="Contoso Ops CLI (public client)",
                client_id="e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
                object_id="6a8c0e2d-4f1b-4d3a-8e5c-7b9d1f3a5c6e",
                public_client=True,
                consented_scopes=("api://contoso-orders/Orders.Read",),
            ),
            ClientApp(  # the Orders API calling the Billing API on the user's behalf (OBO)
                slug="orders-api",
                name="Contoso Orders API (middle tier)",
                client_id=CONTOSO_ORDERS_API.client_id,
                object_id="0d2f4b6a-8c1e-4a3f-b5d7-9e1c3a5b7d9f",
                secret="Mt61Q~sandbox.OrdersApi.S3cret-Only-Valid-Here",
                consented_scopes=("api://contoso-billing/Billing.Read",),
            ),
            ClientApp(
                slug="deploy-bot",
                name="Contoso Deploy Bot (workload identity)",
                client_id="a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d",
                object_id="7e9a1c3b-5d7f-4b9a-8c1e-3f5a7b9c1d3e",
                role_grants={CONTOSO_ORDERS_API.client_id: ("Orders.Read.All",)},
                federated_credentials=(FederatedCredential(WORKLOAD_ISSUER, WORKLOAD_SUBJECT),),
            ),
            ClientApp(
                slug="legacy-job",
                name="Contoso Legacy Job (expired secret)",
                client_id="d4c3b2a1-0f9e-4d8c-8b7a-6f5e4d3c2b1a",
                object_id="3b5d7f9a-1c3e-4f5a-9b7d-5e7f9a1b3c5d",
                expired_secret="Lg93Q~sandbox.LegacyJob.Expired-Secret",
                role_grants={CONTOSO_ORDERS_API.client_id: ("Orders.Read.All",)},
                secret_days_left=-30,
            ),
            ClientApp(  # Graph app-only: one permission granted, one requested, not consented
                slug="directory-reader",
                name="Contoso Directory Reader",
                client_id="9c1e3a5b-7d9f-4b1d-8e3a-5c7e9a1b3d5f",
                object_id="5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b",
                secret="Dr52Q~sandbox.DirectoryReader.S3cret-Only-Valid-Here",
                secret_days_left=9,  # expires within the fortnight: Graph shows endDateTime
                role_grants={GRAPH_APP_ID: ("User.Read.All", "Application.Read.All",
                                            "AuditLog.Read.All")},
                requested_roles={GRAPH_APP_ID: ("Directory.Read.All",)},
            ),
            ClientApp(  # a service principal for ARM: Azure RBAC, no app roles in its tokens
                slug="arm-deployer",
                name="Contoso ARM Deployer",
                client_id="2f4a6c8e-0b1d-4e3f-a5b7-c9d1e3f5a7b9",
                object_id="8e0a2c4f-6b1d-4c3e-a5f7-9b1d3f5a7c9e",
                secret="Ad39Q~sandbox.ArmDeployer.S3cret-Only-Valid-Here",
            ),
            ClientApp(  # a public client for Graph whose tokens carry group claims
                slug="graph-explorer",
                name="Contoso Graph Explorer (public client)",
                client_id="7b9d1f3a-5c7e-4a9b-8d1f-3a5c7e9b1d3f",
                object_id="1c3e5a7b-9d1f-4c3e-8a5b-7d9f1b3c5e7a",
                public_client=True,
                group_claims=True,
                consented_scopes=(f"{GRAPH_RESOURCE}/User.Read",
                                  f"{GRAPH_RESOURCE}/User.ReadBasic.All",
                                  f"{GRAPH_RESOURCE}/Group.Read.All",
                                  f"{GRAPH_RESOURCE}/AuditLog.Read.All"),
            ),
            PARTNER_PORTAL,
        ),
        users=(
            User("Adele Vance", "adele.vance@contoso.onmicrosoft.com",
                 "9b1d3f5a-7c2e-4a6b-8d0f-1e3c5a7b9d2f", password="Sandbox-Passw0rd!",
                 group_count=210),  # past the JWT limit of 200: a groups overage
            User("Megan Bowen", "megan.bowen@contoso.onmicrosoft.com",
                 "8a0c2e4f-6b1d-4f3a-9c5e-7d9f1b3c5e7a", password="Sandbox-Passw0rd!",
                 mfa_required=True, group_count=3),
        ),
    ),
    Tenant(
        slug="fabrikam",
        display_name="Fabrikam",
        tenant_id="a4c6e8f0-1b3d-4f5a-8c7e-9d0b2a4c6e81",
        domain="fabrikam.onmicrosoft.com",
        apis=(FABRIKAM_INVENTORY_API, *FIRST_PARTY_APIS),
        clients=(
            ClientApp(
                slug="inventory-reader",
                name="Fabrikam Inventory Reader",
                client_id="f5e4d3c2-b1a0-4f9e-8d7c-6b5a4f3e2d1c",
                object_id="2c4e6a8d-0f1b-4e3d-a5c7-9e1b3d5f7a9c",
                secret="Kp27Q~sandbox.Inventory.S3cret-Only-Valid-Here",
                role_grants={FABRIKAM_INVENTORY_API.client_id: ("Inventory.Read",)},
            ),
            PARTNER_PORTAL._replace(  # its service principal here, after an admin consented
                object_id="4d6f8a0c-2e4b-4d6f-8a0c-2e4b6d8f0a1c",
                home_tenant_id=CONTOSO_TENANT_ID,
                role_grants={FABRIKAM_INVENTORY_API.client_id: ("Inventory.Read",)}),
        ),
        users=(User("Pradeep Gupta", "pradeep.gupta@fabrikam.onmicrosoft.com",
                    "6c8e0a2b-4d6f-4a8c-9e0b-2d4f6a8c0e1b", password="Sandbox-Passw0rd!"),),
    ),
)


# The managed identity the sandbox's App Service style endpoint hands out tokens for.
MANAGED_IDENTITY = ClientApp(
    slug="managed-identity", name="Contoso Web App (system-assigned managed identity)",
    client_id="f0e1d2c3-b4a5-4968-8776-655443322110",
    object_id="5f7a9c1e-3b5d-4f7a-9e1c-5b7d9f1a3c5e",
    role_grants={CONTOSO_ORDERS_API.client_id: ("Orders.Read.All",)},
)


def find_tenant(tenant: str) -> Tenant | None:
    """By tenant id or verified domain, as Entra accepts either in the authority path."""
    wanted = tenant.lower()
    return next((t for t in TENANTS if wanted in (t.tenant_id, t.domain)), None)
