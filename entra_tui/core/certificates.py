"""Load a client certificate (PEM with private key) into the form MSAL expects."""

from __future__ import annotations

import re
from pathlib import Path

from entra_tui.core.errors import CredentialError

_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----.+?-----END (?:RSA |EC |ENCRYPTED )?"
    r"PRIVATE KEY-----", re.DOTALL)
_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


def load_certificate_credential(path: str, thumbprint: str | None = None) -> dict[str, str]:
    """Return MSAL's `{"private_key": pem, "thumbprint": sha1hex}` for a PEM file.

    The thumbprint is computed from the certificate in the file unless the profile gives one.
    """
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
    if thumbprint is None:
        thumbprint = certificate_thumbprint(text, path)
    return {"private_key": key.group(0), "thumbprint": thumbprint.replace(":", "").upper()}


def certificate_thumbprint(pem_text: str, path: str) -> str:
    """SHA-1 of the certificate's DER bytes, as Entra shows it under Certificates & secrets."""
    block = _CERTIFICATE.search(pem_text)
    if block is None:
        raise CredentialError(
            f"certificate file {path} holds no certificate; add it to the PEM or set "
            "certificate_thumbprint in the profile")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        certificate = x509.load_pem_x509_certificate(block.group(0).encode())
    except ValueError:
        raise CredentialError(f"the certificate in {path} is not valid PEM") from None
    return certificate.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S324 - Entra's thumbprint
