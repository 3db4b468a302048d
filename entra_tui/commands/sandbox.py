"""`entra-tui sandbox`: run the sandbox tenant in the foreground for other clients."""

from __future__ import annotations

import json
import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from entra_tui.sandbox import Sandbox

EXIT_OK = 0
EXIT_CANNOT_WRITE = 3  # --write-profiles: the file cannot be written (or is not ours)
# The first line of a file --write-profiles wrote: only such a file is ever replaced.
WRITTEN_MARK = "# Written by `entra-tui sandbox --write-profiles`; replaced on each run.\n"


STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # and SIGINT, which Python raises as KeyboardInterrupt


def run_sandbox(*, as_json: bool, write_profiles: Path | None = None) -> int:
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
        if write_profiles is not None:
            problem = write_profile_file(sandbox, write_profiles)
            if problem:
                print(f"entra-tui sandbox: {problem}", file=sys.stderr)
                return EXIT_CANNOT_WRITE
            info["profiles_file"] = str(write_profiles)
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


def write_profile_file(sandbox: Sandbox, path: Path) -> str:
    """Write the demo's profiles for this sandbox to `path` (the same generator `--demo`
    uses; secrets stay in the sandbox's folder, referenced by absolute `file:` paths). Only a
    new file or one written here before is replaced, in one step: a user's own profile file
    is never overwritten. Returns what went wrong, or ''."""
    from entra_tui.core.safe_files import atomic_write
    from entra_tui.core.safe_text import safe_text
    from entra_tui.demo import demo_profiles_toml

    shown = safe_text(path)
    mark = WRITTEN_MARK.encode()
    try:
        with path.open("rb") as existing:
            ours = existing.read(len(mark)) == mark
    except FileNotFoundError:
        ours = True
    except OSError as exc:
        return f"cannot write {shown}: {safe_text(exc.strerror or exc)}"
    if not ours:
        return (f"not writing {shown}: it exists and is not a profile file written by "
                "`entra-tui sandbox --write-profiles`; name a new file")
    try:
        text = demo_profiles_toml(sandbox, absolute_secrets=True)
        atomic_write(path, WRITTEN_MARK + text)
    except OSError as exc:
        return f"cannot write {shown}: {safe_text(exc.strerror or exc)}"
    return ""


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
                app["certificate_pem"] = str(cert.pem_path)
                app["certificate_thumbprint"] = cert.sha1_thumbprint
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


def describe_sandbox(info: dict[str, Any]) -> str:
    lines = [f"entra-tui sandbox tenant at {info['base_url']}",
             f"CA bundle:     {info['ca_bundle']}",
             f"Device login:  {info['device_login']}", ""]
    for tenant in info["tenants"]:
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
    lines.append(f"Managed identity: IDENTITY_ENDPOINT={identity['IDENTITY_ENDPOINT']} "
                 f"IDENTITY_HEADER={identity['IDENTITY_HEADER']}")
    if "profiles_file" in info:
        from entra_tui.demo import FABRIKAM_SECRET_ENV

        fabrikam = info["tenants"][1]["apps"][0]
        from entra_tui.core.safe_text import safe_text

        config = safe_text(shlex.quote(str(info["profiles_file"])))
        lines += ["", f"Profiles for this sandbox (valid while it runs): entra-tui --config "
                      f"{config} profiles (or token NAME, doctor NAME)",
                  f"  the fabrikam-inventory and fabrikam-wrong-scope profiles read: export "
                  f"{FABRIKAM_SECRET_ENV}={fabrikam['client_secret']}",
                  "  contoso-webapp-mi reads IDENTITY_ENDPOINT and IDENTITY_HEADER (above)."]
    lines.append("MSAL needs instance_discovery=False and a requests session trusting the CA "
                 "bundle. Ctrl-C stops.")
    return "\n".join(lines)
