"""`entra-tui sandbox`: run the sandbox tenant in the foreground for other clients."""

from __future__ import annotations

import json
import signal
import sys
import threading

EXIT_OK = 0


STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # and SIGINT, which Python raises as KeyboardInterrupt


def run_sandbox(*, as_json: bool) -> int:
    from entra_tui.sandbox import Sandbox

    # SIGTERM (a supervisor, `timeout`, `kill`) and SIGHUP (the terminal closed) stop as
    # cleanly as Ctrl-C does: the key folder (CA and client keys) is removed, not left in
    # the temp dir. Set before the folder exists, so no moment leaves it behind.
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _exit)
    sandbox = None
    try:
        sandbox = Sandbox(device_poll_interval=2)
        sandbox.start()
        info = sandbox_info(sandbox)
        if as_json:
            print(json.dumps(info, indent=2))
        else:
            print(describe_sandbox(info))
        sys.stdout.flush()
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nSandbox stopped.", file=sys.stderr)
    finally:
        for name in (*STOP_SIGNALS, "SIGINT"):  # a second signal must not cut the clean-up
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        if sandbox is not None:
            sandbox.stop()
    return EXIT_OK


def _exit(*_: object) -> None:
    raise SystemExit(EXIT_OK)


def sandbox_info(sandbox: object) -> dict[str, object]:
    """What a person needs to point a client at the sandbox. Sandbox secrets are printed on
    purpose: they are valid nowhere else."""
    from entra_tui.sandbox import Sandbox
    from entra_tui.sandbox.runner import PFX_PASSWORD

    assert isinstance(sandbox, Sandbox)
    tenants = []
    for tenant in sandbox.tenants:
        apps = []
        for client in tenant.clients:
            app: dict[str, object] = {"name": client.name, "client_id": client.client_id}
            if client.secret:
                app["client_secret"] = client.secret
            if client.certificate:
                cert = sandbox.client_certificates[client.client_id]
                app["certificate_pem"] = str(cert.pem_path)  # type: ignore[attr-defined]
                app["certificate_thumbprint"] = cert.sha1_thumbprint  # type: ignore[attr-defined]
                app["certificate_pfx"] = str(sandbox.pfx_path(client.slug))
                app["certificate_pfx_password"] = PFX_PASSWORD
            if client.expired_secret:
                app["expired_client_secret"] = client.expired_secret
            if client.federated_credentials:
                app["federated_token_file"] = str(sandbox.workload_token_path)
            if client.public_client:
                app["public_client"] = True
            apps.append(app)
        tenants.append({
            "name": tenant.display_name, "tenant_id": tenant.tenant_id, "domain": tenant.domain,
            "authority": sandbox.authority(tenant),
            "scopes": [f"{api.identifier_uri}/.default" for api in tenant.apis],
            "apps": apps,
            "users": [{"upn": u.upn, "password": u.password, "mfa_required": u.mfa_required}
                      for u in tenant.users],
        })
    return {"base_url": sandbox.base_url, "ca_bundle": str(sandbox.ca_path),
            "device_login": f"{sandbox.base_url}/device",
            "managed_identity": {"IDENTITY_ENDPOINT": sandbox.identity_endpoint,
                                 "IDENTITY_HEADER": sandbox.identity_header},
            "tenants": tenants}


def describe_sandbox(info: dict[str, object]) -> str:
    lines = [f"entra-tui sandbox tenant at {info['base_url']}",
             f"CA bundle:     {info['ca_bundle']}",
             f"Device login:  {info['device_login']}", ""]
    for tenant in info["tenants"]:  # type: ignore[attr-defined]
        lines.append(f"{tenant['name']} ({tenant['domain']}, {tenant['tenant_id']})")
        lines.append(f"  authority: {tenant['authority']}")
        lines.append(f"  scopes:    {' '.join(tenant['scopes'])}")
        for app in tenant["apps"]:
            lines.append(f"  app {app['name']}: client_id {app['client_id']}")
            for key in ("client_secret", "expired_client_secret", "certificate_pem",
                        "certificate_thumbprint", "certificate_pfx", "certificate_pfx_password",
                        "federated_token_file"):
                if key in app:
                    lines.append(f"      {key}: {app[key]}")
        for user in tenant["users"]:
            lines.append(f"  user {user['upn']} password {user['password']}"
                         + (" (MFA required)" if user["mfa_required"] else ""))
        lines.append("")
    identity = info["managed_identity"]
    lines.append(f"Managed identity: IDENTITY_ENDPOINT={identity['IDENTITY_ENDPOINT']} "  # type: ignore[index]
                 f"IDENTITY_HEADER={identity['IDENTITY_HEADER']}")  # type: ignore[index]
    lines.append("MSAL needs instance_discovery=False and a requests session trusting the CA "
                 "bundle. Ctrl-C stops.")
    return "\n".join(lines)
