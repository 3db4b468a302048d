"""A profile from the AZURE_* environment variables, read as azure-identity's
EnvironmentCredential reads them: secret, then certificate, then federated token file."""

from __future__ import annotations

import os
from pathlib import Path

from entra_tui.core.clouds import CLOUD_HOSTS
from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import Profile

DEFAULT_SCOPE = "https://graph.microsoft.com/.default"


def profile_from_environment(scopes: tuple[str, ...] | None = None) -> Profile:
    env = os.environ
    tenant, client_id = env.get("AZURE_TENANT_ID"), env.get("AZURE_CLIENT_ID")
    missing = [n for n, v in (("AZURE_TENANT_ID", tenant), ("AZURE_CLIENT_ID", client_id))
               if not v]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} not set", path="environment")
    common = {"name": "env", "tenant": tenant or "", "client_id": (client_id or "").lower(),
              "scopes": scopes or (DEFAULT_SCOPE,),
              "authority_host": (env.get("AZURE_AUTHORITY_HOST") or CLOUD_HOSTS["public"])
              .rstrip("/"),
              "base_dir": Path.cwd(), "description": "from AZURE_* environment variables"}
    if env.get("AZURE_CLIENT_SECRET"):
        return Profile(flow="client_secret", secret="env:AZURE_CLIENT_SECRET", **common)
    if env.get("AZURE_CLIENT_CERTIFICATE_PATH"):
        password = ("env:AZURE_CLIENT_CERTIFICATE_PASSWORD"
                    if env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD") else None)
        send_chain = env.get("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "").lower() in ("1", "true")
        return Profile(flow="client_certificate",
                       certificate=env["AZURE_CLIENT_CERTIFICATE_PATH"],
                       certificate_password=password, send_certificate_chain=send_chain,
                       **common)
    if env.get("AZURE_FEDERATED_TOKEN_FILE"):
        return Profile(flow="federated", federated_token_file=env["AZURE_FEDERATED_TOKEN_FILE"],
                       **common)
    raise ConfigError("none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or "
                      "AZURE_FEDERATED_TOKEN_FILE is set", path="environment")
