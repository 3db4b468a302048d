"""Profile skeletons from the Azure CLI's ~/.azure/azureProfile.json: one per tenant the CLI
knows. Only identifiers are read (tenants, account names); the CLI's token and secret files
are never opened."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from entra_tui.core.errors import ConfigError
from entra_tui.core.flows import Flow

AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"  # the CLI's own public client
CLOUDS = {"AzureCloud": None, "AzureUSGovernment": "usgov", "AzureChinaCloud": "china"}
# Azure Resource Manager per cloud: https://management.azure.com (public);
# https://management.usgovcloudapi.net (US Gov, "endpoint mapping" in
# https://learn.microsoft.com/en-us/azure/azure-government/documentation-government-developer-guide);
# https://management.chinacloudapi.cn (21Vianet,
# https://learn.microsoft.com/en-us/azure/china/resources-developer-guide).
ARM_ENDPOINTS = {"public": "https://management.azure.com",
                 "usgov": "https://management.usgovcloudapi.net",
                 "china": "https://management.chinacloudapi.cn"}
MANAGEMENT_SCOPE = f"{ARM_ENDPOINTS['public']}/.default"


def management_scope(cloud: str | None) -> str:
    """The ARM `.default` scope of a cloud (the CLI's own profiles ask for ARM)."""
    return f"{ARM_ENDPOINTS.get(cloud or 'public', ARM_ENDPOINTS['public'])}/.default"


def azure_cli_profile_path() -> Path:
    config_dir = os.environ.get("AZURE_CONFIG_DIR") or "~/.azure"
    return Path(config_dir).expanduser() / "azureProfile.json"


def profiles_from_azure_cli(path: Path | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(suggested name, profile keys) per tenant in the file, in the file's order."""
    path = path or azure_cli_profile_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))  # the CLI writes a BOM
    except FileNotFoundError:
        raise ConfigError("no Azure CLI profile here; run az login first",
                          path=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read the Azure CLI profile: {exc}", path=str(path)) from None
    subscriptions = document.get("subscriptions") if isinstance(document, dict) else None
    if not isinstance(subscriptions, list):
        raise ConfigError("no 'subscriptions' list in the Azure CLI profile", path=str(path))
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for entry in subscriptions:
        if not isinstance(entry, dict) or not isinstance(entry.get("tenantId"), str):
            continue
        tenant_id = entry["tenantId"]
        if tenant_id in found:
            continue
        found[tenant_id] = _skeleton(entry, tenant_id)
    return list(found.values())


def _skeleton(entry: dict[str, Any], tenant_id: str) -> tuple[str, dict[str, Any]]:
    domain = entry.get("tenantDefaultDomain")
    tenant = domain if isinstance(domain, str) and domain else tenant_id
    label = entry.get("tenantDisplayName") or tenant
    user = entry.get("user")
    if not isinstance(user, dict):
        user = {}
    account, kind = str(user.get("name") or ""), user.get("type")
    cloud = CLOUDS.get(str(entry.get("environmentName") or "AzureCloud"))
    fields: dict[str, Any] = {"tenant": tenant, "scopes": [management_scope(cloud)]}
    if cloud:
        fields["cloud"] = cloud
    if kind == "servicePrincipal":
        # The CLI's own secret store is not read: the user points a reference at the secret.
        fields.update(flow=Flow.CLIENT_SECRET.value, client_id=account,
                      secret="env:AZURE_CLIENT_SECRET",
                      description=f"from Azure CLI: service principal in {label}; set "
                                  "AZURE_CLIENT_SECRET or change the secret reference")
    else:
        fields.update(flow=Flow.DEVICE_CODE.value, client_id=AZURE_CLI_CLIENT_ID,
                      description=f"from Azure CLI: {account or 'user'} in {label} "
                                  "(signs in as the Azure CLI app)")
    slug = re.sub(r"[^a-z0-9]+", "-", str(tenant).split(".")[0].lower()).strip("-")
    if tenant == tenant_id:  # no domain known: a short, still recognisable GUID prefix
        slug = tenant_id[:8]
    return f"azcli-{slug[:40] or tenant_id[:8]}", fields
