"""The validation report: "will my API accept this token?", one line per check."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from entra_tui.core.expectations import Expectations
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
                      signature: Verification | None = None) -> list[Check]:
    claims = token.claims
    return [
        _signature(signature),
        _one_of("aud", claims.get("aud"), expected.audiences, "audience"),
        _one_of("iss", claims.get("iss"), expected.issuers, "issuer"),
        _tenant(claims.get("tid"), expected.tenant),
        *_times(token, now, expected.clock_skew),
        _one_of("ver", claims.get("ver"), (expected.version,) if expected.version else (),
                "version"),
        _all_present("roles", claims.get("roles"), expected.roles),
        _all_present("scp", str(claims.get("scp", "")).split() or None, expected.scopes),
    ]


def passed(report: list[Check]) -> bool:
    return all(check.outcome is not Outcome.FAILED for check in report)


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


def _tenant(tid: object, expected: str | None) -> Check:
    if not expected:
        return Check("tid", Outcome.NOT_CHECKED, "no expected tenant given")
    if tid is None:
        return Check("tid", Outcome.FAILED, "the token has no tid claim")
    if str(tid).lower() == expected.lower():
        return Check("tid", Outcome.PASSED, f"issued by tenant {tid}")
    return Check("tid", Outcome.FAILED, f"issued by tenant {tid}, expected {expected} (a token "
                 "from another tenant: check multi-tenant settings)")


def _times(token: DecodedToken, now: float, skew: int) -> list[Check]:
    checks = []
    nbf, exp = token.time_claim("nbf"), token.time_claim("exp")
    if nbf is None:
        checks.append(Check("nbf", Outcome.NOT_CHECKED, "the token has no nbf claim"))
    elif now + skew < nbf:
        checks.append(Check("nbf", Outcome.FAILED, f"not valid until {local_time(nbf)} "
                            f"(beyond {skew} s of clock skew)"))
    else:
        checks.append(Check("nbf", Outcome.PASSED, f"valid since {local_time(nbf)}"))
    if exp is None:
        checks.append(Check("exp", Outcome.FAILED, "the token has no exp claim"))
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
