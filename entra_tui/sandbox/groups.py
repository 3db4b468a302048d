"""Security groups and who is in them, made when first asked for (never at start-up): a
user in 210 groups is 210 records nobody needs until a token or Graph names them."""

from __future__ import annotations

import functools
import uuid
from typing import NamedTuple

from entra_tui.sandbox.records import User

NAMESPACE = uuid.UUID("6f1c0d3e-8a4b-4c2d-9e7f-1a3b5c7d9e0f")  # the sandbox's own
NAMED = ("All staff", "Orders admins", "Sandbox readers")


class Group(NamedTuple):
    object_id: str
    display_name: str
    tenant_id: str


@functools.lru_cache(maxsize=16)
def member_groups(tenant_id: str, user: User) -> tuple[Group, ...]:
    """The user's groups: the tenant's named groups first, then project teams."""
    names = [*NAMED, *(f"Project team {n:03d}" for n in range(1, 1 + user.group_count))]
    return tuple(group(tenant_id, name) for name in names[:user.group_count])


def group(tenant_id: str, name: str) -> Group:
    return Group(str(uuid.uuid5(NAMESPACE, f"{tenant_id}/{name}")), name, tenant_id)


def find_group(tenant_id: str, users: tuple[User, ...], object_id: str) -> Group | None:
    for user in users:
        for candidate in member_groups(tenant_id, user):
            if candidate.object_id == object_id:
                return candidate
    return None
