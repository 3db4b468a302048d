"""The validation report: "will my API accept this token?", one line per check."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, NamedTuple

from entra_tui.core.clouds import canonical_origin, entra_issuers, is_tenant_id
from entra_tui.core.expectations import Expectations, domain_tenant, is_domain
from entra_tui.core.timefmt import local_time
from entra_tui.core.token import DecodedToken
from entra_tui.core.verify import SignatureState, Verification


class Outcome(Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not checked"


class Check(NamedTuple):
    name: str
    outcome: Outcome
    reason: str


def validation_report(token: DecodedToken, expected: Expectations, now: float,
                      signature: Verification | None = None, *,
                      authority: str | None = None,
                      tenant_ids: Mapping[str, str] | None = None) -> list[Check]:
    """`authority`: an origin the user trusts (a profile's authority_host, --authority), whose
    own issuers {authority}/{tid}/v2.0 are accepted beside Entra's. `tenant_ids`: verified
    domains whose tenant id is known (domain -> tid), for an expected tenant given by domain."""
    claims = token.claims
    return [
        _signature(signature),
        _kind(claims),
        _one_of("aud", claims.get("aud"), expected.audiences, "audience"),
        _issuer(claims, expected.issuers, authority, signature),
        _tenant(claims.get("tid"), expected.tenant, tenant_ids),
        *_times(token, now, expected.clock_skew),
        _one_of("ver", claims.get("ver"), (expected.version,) if expected.version else (),
                "version"),
        _all_present("roles", claims.get("roles"), expected.roles),
        _all_present("scp", str(claims.get("scp", "")).split() or None, expected.scopes),
    ]


def passed(report: list[Check]) -> bool:
    return all(check.outcome is not Outcome.FAILED for check in report)


def headline(report: list[Check]) -> tuple[str, str]:
    """(headline, "accepted" | "rejected" | "unverified"): a report says Accepted only when
    nothing failed and the signature was verified. Claims anyone can write prove nothing
    until a key vouches for them (a forged token with the right claims, checked offline or
    with its keys unreachable, read "Accepted")."""
    if not passed(report):
        return "Rejected", "rejected"
    signature = next((check for check in report if check.name == "signature"), None)
    if signature is None or signature.outcome is not Outcome.PASSED:
        return "Not accepted: the claims pass, but the signature was not verified", "unverified"
    return "Accepted", "accepted"


def _signature(signature: Verification | None) -> Check:
    if signature is None:
        return Check("signature", Outcome.NOT_CHECKED, "verification was not requested")
    outcome = {SignatureState.VERIFIED: Outcome.PASSED, SignatureState.FAILED: Outcome.FAILED,
               SignatureState.NOT_CHECKED: Outcome.NOT_CHECKED}[signature.state]
    return Check("signature", outcome, signature.reason)


def _one_of(name: str, value: object, allowed: tuple[str, ...], label: str) -> Check:
    if not allowed:
        return Check(name, Outcome.NOT_CHECKED, f"no expected {label} given")
    if value is None:
        return Check(name, Outcome.FAILED, f"the token has no {name} claim")
    if str(value) in allowed:
        return Check(name, Outcome.PASSED, f"{value} is expected")
    return Check(name, Outcome.FAILED, f"{value} is not one of: {', '.join(allowed)}")


def _kind(claims: dict[str, object]) -> Check:
    """An API must not accept an ID token: it proves a sign-in to the client app, it grants
    nothing. Entra's access tokens always name the calling app (v1 `appid`, v2 `azp`) and
    carry `scp` (delegated) or are app-only; ID tokens have none of these."""
    if "iss" not in claims or "aud" not in claims:
        return Check("kind", Outcome.NOT_CHECKED, "not an Entra token (no iss or aud)")
    markers = [name for name in ("scp", "roles", "appid", "azp") if name in claims]
    if markers or claims.get("idtyp") in ("app", "user"):
        return Check("kind", Outcome.PASSED, "an access token (has "
                     f"{', '.join(markers) or 'idtyp'})")
    return Check("kind", Outcome.FAILED, "an ID token, not an access token: no scp, roles, "
                 "appid or azp (its aud is the client app that signed the user in); an API "
                 "must not accept it")


def _issuer(claims: dict[str, object], allowed: tuple[str, ...], authority: str | None,
            signature: Verification | None) -> Check:
    """Expected issuers when given; otherwise Entra's own issuer for the token's tenant."""
    if allowed:
        return _one_of("iss", claims.get("iss"), allowed, "issuer")
    iss, tid, ver = claims.get("iss"), claims.get("tid"), claims.get("ver")
    if not isinstance(iss, str):
        return Check("iss", Outcome.FAILED, "the token has no iss claim")
    if not is_tenant_id(tid):
        return Check("iss", Outcome.FAILED, "the token has no usable tid claim, so its issuer "
                     "cannot be Entra's for a tenant (set the expected issuer to check another "
                     "kind of token)")
    version = ver if ver in ("1.0", "2.0") else None
    entra = entra_issuers(str(tid), version)
    if iss in entra:
        return Check("iss", Outcome.PASSED, f"Entra's v{'1.0' if iss.endswith('/') else '2.0'} "
                     f"issuer for tenant {tid}")
    origin = canonical_origin(authority) if authority else None
    if origin is not None and iss in (f"{origin}/{tid}/v2.0", f"{origin}/{tid}/"):
        return Check("iss", Outcome.PASSED, f"the issuer of {origin} (the authority you trust) "
                     f"for tenant {tid}")
    if (signature is not None and signature.state is SignatureState.VERIFIED
            and getattr(signature, "issuer", None) == iss):
        return Check("iss", Outcome.PASSED, "the issuer the verifying key is published for")
    expected = (f"https://sts.windows.net/{tid}/" if version == "1.0" else
                f"https://login.microsoftonline.com/{tid}/v2.0" if version == "2.0" else
                f"https://sts.windows.net/{tid}/ or https://login.microsoftonline.com/{tid}/v2.0")
    return Check("iss", Outcome.FAILED, f"{iss} is not Entra's issuer for tenant {tid} "
                 f"(expected {expected}, or its national-cloud form); set the expected issuer "
                 "for another issuer")


def _tenant(tid: object, expected: str | None,
            tenant_ids: Mapping[str, str] | None = None) -> Check:
    if not expected:
        return Check("tid", Outcome.NOT_CHECKED, "no expected tenant given")
    if tid is None:
        return Check("tid", Outcome.FAILED, "the token has no tid claim")
    known = domain_tenant(expected, tenant_ids)
    if known is False:
        return Check("tid", Outcome.NOT_CHECKED, f"{expected} is a domain and the token names "
                     "its tenant only by id; the domain's tenant id is not known here (give the "
                     "tenant id, or verify online to look the domain up)")
    wanted = known if isinstance(known, str) else expected
    named = f"{expected} ({known})" if isinstance(known, str) else expected
    if str(tid).lower() == wanted.lower():
        return Check("tid", Outcome.PASSED, f"issued by tenant {tid}"
                     + (f", the tenant of {expected}" if isinstance(known, str) else ""))
    return Check("tid", Outcome.FAILED, f"issued by tenant {tid}, expected {named} (a token "
                 "from another tenant: check multi-tenant settings)")


def _times(token: DecodedToken, now: float, skew: int) -> list[Check]:
    checks = []
    nbf, exp = token.time_claim("nbf"), token.time_claim("exp")
    if nbf is None:
        checks.append(Check("nbf", Outcome.NOT_CHECKED, token.missing_time("nbf")))
    elif now + skew < nbf:
        checks.append(Check("nbf", Outcome.FAILED, f"not valid until {local_time(nbf)} "
                            f"(beyond {skew} s of clock skew)"))
    else:
        checks.append(Check("nbf", Outcome.PASSED, f"valid since {local_time(nbf)}"))
    if exp is None:
        checks.append(Check("exp", Outcome.FAILED, token.missing_time("exp")))
    elif now - skew >= exp:
        checks.append(Check("exp", Outcome.FAILED, f"expired at {local_time(exp)} "
                            f"(beyond {skew} s of clock skew)"))
    else:
        checks.append(Check("exp", Outcome.PASSED, f"valid until {local_time(exp)}"))
    return checks


def _all_present(name: str, value: object, required: tuple[str, ...]) -> Check:
    if not required:
        wanted = "roles" if name == "roles" else "scopes"
        return Check(name, Outcome.NOT_CHECKED, f"no required {wanted} given")
    have = set(value) if isinstance(value, list) else set()
    missing = [item for item in required if item not in have]
    if missing:
        return Check(name, Outcome.FAILED, f"missing {', '.join(missing)}"
                     + ("" if have else f" (the token has no {name} claim)"))
    return Check(name, Outcome.PASSED, f"has {', '.join(required)}")


def profile_context(profile: Any, token: DecodedToken, acquired: bool) -> dict[str, Any]:
    """What a profile tells the report: its authority (whose issuers it trusts) and, for a
    token it acquired with a domain as `tenant`, that domain's tenant id (Entra resolved the
    domain to the tenant whose id the token carries)."""
    if profile is None:
        return {"authority": None, "tenant_ids": None}
    tenant, tid = getattr(profile, "tenant", None), token.claims.get("tid")
    known = ({tenant: tid} if acquired and isinstance(tenant, str) and is_domain(tenant)
             and isinstance(tid, str) else None)
    return {"authority": getattr(profile, "authority_host", None), "tenant_ids": known}
