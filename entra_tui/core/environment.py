"""A profile from the AZURE_* environment variables, read as azure-identity's
EnvironmentCredential reads them: secret, then certificate, then username and password; and
WorkloadIdentityCredential's federated token file. Credentials become references to the
variables (env:AZURE_CLIENT_SECRET), never their values."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from entra_tui.core.clouds import CLOUD_HOSTS
from entra_tui.core.errors import ConfigError
from entra_tui.core.flows import Flow
from entra_tui.core.profiles import Profile, check_profile_table

DEFAULT_SCOPE = "https://graph.microsoft.com/.default"


def environment_fields(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Profile keys for what the AZURE_* variables describe; ConfigError when they do not."""
    env = os.environ if env is None else env
    tenant, client_id = env.get("AZURE_TENANT_ID"), env.get("AZURE_CLIENT_ID")
    missing = [n for n, v in (("AZURE_TENANT_ID", tenant), ("AZURE_CLIENT_ID", client_id))
               if not v]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} not set", path="environment")
    fields: dict[str, Any] = {
        "tenant": tenant, "client_id": client_id, "scopes": [DEFAULT_SCOPE],
        "description": "from AZURE_* environment variables"}
    host = (env.get("AZURE_AUTHORITY_HOST") or "").rstrip("/")
    if host and host != CLOUD_HOSTS["public"]:
        fields["authority_host"] = host
    if env.get("AZURE_CLIENT_SECRET"):
        fields.update(flow=Flow.CLIENT_SECRET.value, secret="env:AZURE_CLIENT_SECRET")
    elif env.get("AZURE_CLIENT_CERTIFICATE_PATH"):
        fields.update(flow=Flow.CLIENT_CERTIFICATE.value,
                      certificate=env["AZURE_CLIENT_CERTIFICATE_PATH"])
        if env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD"):
            fields["certificate_password"] = "env:AZURE_CLIENT_CERTIFICATE_PASSWORD"
        if env.get("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "").lower() in ("1", "true"):
            fields["send_certificate_chain"] = True
    elif env.get("AZURE_USERNAME") and env.get("AZURE_PASSWORD"):
        fields.update(flow=Flow.USERNAME_PASSWORD.value, username=env["AZURE_USERNAME"],
                      password="env:AZURE_PASSWORD")
    elif env.get("AZURE_FEDERATED_TOKEN_FILE"):
        fields.update(flow=Flow.FEDERATED.value,
                      federated_token_file=env["AZURE_FEDERATED_TOKEN_FILE"])
    else:
        raise ConfigError("none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, "
                          "AZURE_USERNAME with AZURE_PASSWORD, or AZURE_FEDERATED_TOKEN_FILE "
                          "is set", path="environment")
    return fields


def profile_from_environment(scopes: tuple[str, ...] | None = None) -> Profile:
    fields = environment_fields()
    if scopes:
        fields["scopes"] = list(scopes)
    return check_profile_table("env", fields, Path.cwd() / "environment")
