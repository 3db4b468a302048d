"""Load a client certificate (PEM with private key, or PFX/PKCS#12) into MSAL's form."""

from __future__ import annotations

import re
from pathlib import Path

from entra_tui.core.errors import CredentialError

_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----.+?-----END (?:RSA |EC |ENCRYPTED )?"
    r"PRIVATE KEY-----", re.DOTALL)
_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
PFX_SUFFIXES = (".pfx", ".p12")


def load_certificate_credential(
    path: str, thumbprint: str | None = None, *, password: str | None = None,
    send_chain: bool = False,
) -> dict[str, str]:
    """MSAL's `{"private_key", "thumbprint"[, "public_certificate"]}` for a PEM or PFX file.

    The thumbprint is computed from the certificate unless given. `send_chain` adds the
    public certificate, so MSAL sends `x5c` (subject name and issuer authentication).
    """
    if path.lower().endswith(PFX_SUFFIXES):
        key_pem, cert_pem = _from_pfx(path, password)
    else:
        key_pem, cert_pem = _from_pem(path)
    credential = {"private_key": key_pem,
                  "thumbprint": (thumbprint or certificate_thumbprint(cert_pem, path))
                  .replace(":", "").upper()}
    if send_chain:
        if cert_pem is None:
            raise CredentialError(f"{path} holds no certificate to send as x5c")
        credential["public_certificate"] = cert_pem
    return credential


def _from_pem(path: str) -> tuple[str, str | None]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CredentialError(f"certificate file {path} does not exist") from None
    except (OSError, UnicodeDecodeError):
        raise CredentialError(f"certificate file {path} cannot be read as PEM text") from None
    key = _PRIVATE_KEY.search(text)
    if key is None:
        raise CredentialError(f"certificate file {path} holds no PEM private key")
    if "ENCRYPTED" in key.group(0):
        raise CredentialError(f"the private key in {path} is encrypted; export it without a "
                              "password (e.g. openssl pkey -in key.pem -out plain.pem)")
    cert = _CERTIFICATE.search(text)
    return key.group(0), cert.group(0) if cert else None


def _from_pfx(path: str, password: str | None) -> tuple[str, str | None]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CredentialError(f"certificate file {path} does not exist") from None
    except OSError as exc:
        raise CredentialError(f"certificate file {path} cannot be read: {exc.strerror}") from None
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None)
    except ValueError:
        raise CredentialError(f"{path} cannot be opened: wrong certificate_password, or not a "
                              "PFX/PKCS#12 file") from None
    if key is None:
        raise CredentialError(f"{path} holds no private key")
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode() if cert else None
    return key_pem, cert_pem


def certificate_thumbprint(pem_text: str | None, path: str) -> str:
    """SHA-1 of the certificate's DER bytes, as Entra shows it under Certificates & secrets."""
    block = _CERTIFICATE.search(pem_text or "")
    if block is None:
        raise CredentialError(
            f"certificate file {path} holds no certificate; add it to the file or set "
            "certificate_thumbprint in the profile")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        certificate = x509.load_pem_x509_certificate(block.group(0).encode())
    except ValueError:
        raise CredentialError(f"the certificate in {path} is not valid PEM") from None
    return certificate.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S324 - Entra's thumbprint


ASSERTION_LIFETIME_SECONDS = 600


def client_assertion(credential: dict[str, str], *, audience: str, client_id: str,
                     now: float | None = None) -> str:
    """A freshly signed client assertion (RFC 7523) for one request to the token endpoint.

    Shape per https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials:
    header `alg` RS256, `typ` JWT, `x5t` (base64url SHA-1 thumbprint; `x5c` with the public
    certificate for subject name + issuer authentication); claims `aud` (the token endpoint),
    `iss` = `sub` = client id, a new `jti` (GUID), `iat`/`nbf` now and `exp` 10 minutes on.
    A new `jti` every time: Entra rejects an assertion it has seen (AADSTS700025), while
    MSAL's own assertion is signed once and reused for ten minutes.
    """
    import base64
    import time
    import uuid

    import jwt

    issued = int(now if now is not None else time.time())
    try:
        thumbprint = bytes.fromhex(credential["thumbprint"])
    except ValueError:
        raise CredentialError("certificate_thumbprint is not a hexadecimal SHA-1 thumbprint"
                              ) from None
    headers: dict[str, object] = {"x5t": base64.urlsafe_b64encode(thumbprint).decode()}
    chain = credential.get("public_certificate")
    if chain:
        headers["x5c"] = ["".join(block.group(0).splitlines()[1:-1])
                          for block in _CERTIFICATE.finditer(chain)]
    claims = {"aud": audience, "iss": client_id, "sub": client_id, "jti": str(uuid.uuid4()),
              "iat": issued, "nbf": issued, "exp": issued + ASSERTION_LIFETIME_SECONDS}
    try:
        return jwt.encode(claims, credential["private_key"], algorithm="RS256", headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError):
        raise CredentialError("the certificate's private key cannot sign RS256 (Entra needs an "
                              "RSA key)") from None
