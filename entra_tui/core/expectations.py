"""What an API expects of the tokens it accepts (a profile's [profiles.NAME.expect] table)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

DEFAULT_CLOCK_SKEW = 300


class Expectations(NamedTuple):
    """What an API expects of the tokens it accepts; empty means "not checked"."""

    audiences: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    tenant: str | None = None
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    version: str | None = None
    clock_skew: int = DEFAULT_CLOCK_SKEW

    @property
    def empty(self) -> bool:
        return not (self.audiences or self.issuers or self.tenant or self.roles or self.scopes
                    or self.version)


def is_domain(tenant: str | None) -> bool:
    """A verified-domain shape (contoso.com), as `tenant` accepts beside a tenant id."""
    from entra_tui.core.clouds import is_guid, is_tenant_id  # its patterns: only when asked

    return bool(tenant) and is_tenant_id(tenant) and not is_guid(tenant)


def domain_tenant(expected: str, tenant_ids: Mapping[str, str] | None) -> str | bool:
    """For an expected tenant given as a domain: its tenant id when known, False when not.
    True when `expected` is no domain (compare it as it is)."""
    if not is_domain(expected):
        return True
    from entra_tui.core.clouds import is_guid

    for domain, tid in (tenant_ids or {}).items():
        if domain.lower() == expected.lower() and is_guid(tid):
            return tid.lower()
    return False
