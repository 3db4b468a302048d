"""Check a client assertion (RFC 7523) the way Entra does: the key must be registered for the
app, the signature must verify, `aud` must be the token endpoint, `iss` = `sub` = client id,
and the assertion must be within its lifetime (five minutes of clock skew allowed)."""

from __future__ import annotations

import base64
import binascii

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from entra_tui.sandbox import errors
from entra_tui.sandbox.pki import ClientCertificate

CLOCK_SKEW_SECONDS = 300


def verify_client_assertion(
    assertion: str, *, client_id: str, certificate: ClientCertificate | None,
    audiences: list[str],
) -> None:
    """Raise an EntraError describing the first check that fails."""
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError as exc:
        raise errors.assertion_invalid(f"The assertion could not be parsed: {exc}.") from None
    # MSAL pads x5t with "="; Entra accepts base64url with or without padding.
    thumbprint = str(header.get("x5t#S256") or header.get("x5t") or "").rstrip("=")
    if certificate is None or thumbprint not in (certificate.x5t, certificate.x5t_s256):
        raise errors.assertion_signature_invalid(client_id, thumbprint or "none")
    if "x5c" in header and not _chain_starts_with(header["x5c"], certificate):
        raise errors.assertion_signature_invalid(client_id, thumbprint)
    algorithm = header.get("alg")
    if algorithm not in ("RS256", "PS256"):
        raise errors.assertion_invalid(f"Unsupported signing algorithm '{algorithm}'.")
    public_key = certificate.certificate.public_key()
    if not isinstance(public_key, RSAPublicKey):  # RS256/PS256 need an RSA certificate
        raise errors.assertion_signature_invalid(client_id, thumbprint)
    try:
        claims = jwt.decode(
            assertion, public_key, algorithms=[algorithm],
            audience=audiences, leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["aud", "iss", "sub", "exp"]},
        )
    except jwt.InvalidSignatureError:
        raise errors.assertion_signature_invalid(client_id, thumbprint) from None
    except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:
        raise errors.assertion_time_invalid(str(exc)) from None
    except jwt.InvalidAudienceError:
        raise errors.EntraError(401, "invalid_client", 700023,
                                "Client assertion audience claim does not match Realm issuer."
                                ) from None
    except jwt.PyJWTError as exc:
        raise errors.assertion_invalid(str(exc)) from None
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise errors.EntraError(401, "invalid_client", 700021,
                                "Client assertion application identifier doesn't match "
                                "'client_id' parameter.")


def _chain_starts_with(chain: object, certificate: ClientCertificate) -> bool:
    """An `x5c` header (subject name and issuer authentication) must begin with the very
    certificate `x5t` names, in standard base64 DER (RFC 7515 §4.1.6); anything else is a
    chain for some other key. MSAL sends each certificate as the PEM body, line breaks and
    all (msal.application.extract_certs), and Entra accepts that, so whitespace is ignored."""
    from cryptography.hazmat.primitives import serialization

    if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
        return False
    try:
        leaf = base64.b64decode("".join(chain[0].split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return leaf == certificate.certificate.public_bytes(serialization.Encoding.DER)
