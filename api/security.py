"""API keys with roles: ``read`` < ``organiser`` (events) < ``admin`` (actors and imports).

Keys travel as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; only their SHA-256 is
configured, and the comparison runs over every configured key in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from api.deps import SettingsDep
from matchmaker.errors import Forbidden, Unauthenticated
from matchmaker.settings import Role, hash_key


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: Role


ANONYMOUS = Principal(name="anonymous", role=Role.READ)


def _presented_key(authorization: str | None, x_api_key: str | None) -> str | None:
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


async def identify(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal | None:
    """The principal behind the request's key; ``None`` when no key was sent.

    Raises
    ------
    Unauthenticated
        A key was sent but matches no configured key.
    """
    key = _presented_key(authorization, x_api_key)
    if key is None:
        return None
    digest = hash_key(key)
    found: Principal | None = None
    for configured in settings.api_keys:
        if hmac.compare_digest(digest, configured.sha256) and found is None:
            found = Principal(configured.name, configured.role)
    if found is None:
        raise Unauthenticated("the API key is not valid")
    return found


def require(role: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits principals whose role includes ``role``."""

    async def dependency(
        settings: SettingsDep, principal: Annotated[Principal | None, Depends(identify)]
    ) -> Principal:
        if principal is None:
            if role is Role.READ and settings.public_reads:
                return ANONYMOUS
            raise Unauthenticated(f"this operation needs an API key with role '{role}'")
        if not principal.role.allows(role):
            raise Forbidden(f"key '{principal.name}' has role '{principal.role}', needs '{role}'")
        return principal

    return dependency


Reader = Annotated[Principal, Depends(require(Role.READ))]
Organiser = Annotated[Principal, Depends(require(Role.ORGANISER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
