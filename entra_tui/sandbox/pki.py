"""Keys and certificates the sandbox makes at start: a CA, a TLS server certificate for
127.0.0.1, an RS256 token-signing key, and one client certificate per app that uses one.

Every certificate passes strict RFC 5280 verification, as a real CA's do: Python 3.13's
`ssl.create_default_context()` sets `VERIFY_X509_STRICT`, which refuses a leaf without an
Authority Key Identifier, and a strict verifier of an `x5c` chain checks the same things.
- CA: Subject Key Identifier, `basicConstraints` critical CA:TRUE, `keyUsage` critical
  keyCertSign + cRLSign (RFC 5280 4.2.1.2, 4.2.1.3, 4.2.1.9).
- Leaves: Authority and Subject Key Identifiers, `basicConstraints` critical CA:FALSE,
  `keyUsage` critical digitalSignature (+ keyEncipherment for an RSA TLS key), and the
  extended key usage of their job: serverAuth (with the SAN served), clientAuth (app
  certificates, which the sandbox CA issues, as subject name + issuer authentication needs);
  client and signing certificates carry their common name as a DNS SAN too.
- The token-signing certificate is self-signed, as Entra's `x5c` in its JWKS is: AKI (its own
  key), SKI, CA:FALSE, digitalSignature and a SAN, no extended key usage.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from entra_tui.sandbox.files import write_private

CA_DAYS = 400  # outlives every certificate it issues
SERVER_DAYS = 30
CLIENT_DAYS = 365

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningKey:
    """The token-signing key as Entra publishes it: kid, x5t and an x5c certificate."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    kid: str

    @property
    def x5t(self) -> str:
        return b64url(self.certificate.fingerprint(hashes.SHA1()))  # noqa: S303 - JWKS format

    def jwk(self, issuer: str) -> dict[str, object]:
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "RSA", "use": "sig", "kid": self.kid, "x5t": self.x5t,
            "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": b64url(numbers.e.to_bytes(3, "big")),
            "x5c": [base64.b64encode(self.certificate.public_bytes(
                serialization.Encoding.DER)).decode()],
            "issuer": issuer,
        }


@dataclass(frozen=True)
class ClientCertificate:
    """A client certificate: the PEM file holds key and certificate, as MSAL users keep it."""

    pem_path: Path
    certificate: x509.Certificate

    @property
    def sha1_thumbprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303

    @property
    def x5t(self) -> str:
        return b64url(self.certificate.fingerprint(hashes.SHA1()))  # noqa: S303

    @property
    def x5t_s256(self) -> str:
        return b64url(self.certificate.fingerprint(hashes.SHA256()))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_ca(state_dir: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, Path]:
    """The sandbox CA (written to `ca.pem`): it issues the TLS and the app certificates."""
    key, cert = _new_ca("entra-tui sandbox CA")
    path = state_dir / "ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def make_server_certificate(
    state_dir: Path, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        _leaf(name, key, ca_cert, ExtendedKeyUsageOID.SERVER_AUTH, days=SERVER_DAYS)
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path = state_dir / "server.pem"
    key_path = state_dir / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    write_private(key_path, _pem(key))
    return cert_path, key_path


def make_signing_key() -> SigningKey:
    """An RS256 token-signing key with a self-signed certificate, as Entra's JWKS carries."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.sandbox.entra-tui")])
    cert = (
        _builder(name, name, key.public_key(), days=SERVER_DAYS)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                       critical=False)
        .add_extension(_dns_name(name), critical=False)
        .sign(key, hashes.SHA256())
    )
    kid = b64url(cert.fingerprint(hashes.SHA256())[:15])
    return SigningKey(private_key=key, certificate=cert, kid=kid)


def make_client_certificate(
    state_dir: Path, slug: str,
    issuer: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None,
) -> ClientCertificate:
    """An app's certificate (clientAuth), issued by `issuer` (the sandbox CA's key and
    certificate); without one, by a CA of its own that nobody trusts (a stranger's)."""
    ca_key, ca_cert = issuer or _new_ca(f"{slug} CA")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{slug}.sandbox.entra-tui")])
    cert = (_leaf(name, key, ca_cert, ExtendedKeyUsageOID.CLIENT_AUTH, days=CLIENT_DAYS)
            .add_extension(_dns_name(name), critical=False)
            .sign(ca_key, hashes.SHA256()))
    path = state_dir / f"{slug}.pem"
    write_private(path, _pem(key) + cert.public_bytes(serialization.Encoding.PEM))
    return ClientCertificate(pem_path=path, certificate=cert)


def _new_ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        _builder(name, name, key.public_key(), days=CA_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(subject: x509.Name, key: PrivateKey, ca_cert: x509.Certificate,
          usage: x509.ObjectIdentifier, days: int) -> x509.CertificateBuilder:
    """An end-entity certificate's builder: every extension but the SAN."""
    rsa_tls = isinstance(key, rsa.RSAPrivateKey) and usage == ExtendedKeyUsageOID.SERVER_AUTH
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        _builder(subject, ca_cert.subject, key.public_key(), days=days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, key_encipherment=rsa_tls),
                       critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False)
    )


def _dns_name(subject: x509.Name) -> x509.SubjectAlternativeName:
    """The subject's common name as a SAN, which strict (web PKI) verifiers require."""
    common_name = subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return x509.SubjectAlternativeName([x509.DNSName(str(common_name))])


def _key_usage(*, digital_signature: bool = False, key_encipherment: bool = False,
               key_cert_sign: bool = False, crl_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=digital_signature, content_commitment=False,
                         key_encipherment=key_encipherment, data_encipherment=False,
                         key_agreement=False, key_cert_sign=key_cert_sign, crl_sign=crl_sign,
                         encipher_only=False, decipher_only=False)


def _pem(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _builder(subject: x509.Name, issuer: x509.Name,
             public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
             days: int) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
    )


def write_pfx(path: Path, pem_path: Path, password: str) -> None:
    """Package a PEM key and certificate as PKCS#12, as Windows and Key Vault export them."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

    pem = pem_path.read_bytes()
    key = load_pem_private_key(pem.split(b"-----BEGIN CERTIFICATE")[0], None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"{pem_path} holds no RSA or EC key")  # the sandbox writes only those
    cert = x509.load_pem_x509_certificate(pem[pem.index(b"-----BEGIN CERTIFICATE"):])
    data = pkcs12.serialize_key_and_certificates(
        b"sandbox", key, cert, None,
        serialization.BestAvailableEncryption(password.encode()))
    write_private(path, data)
