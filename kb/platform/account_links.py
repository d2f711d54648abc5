"""Which account a signed link in a mail was made for.

Links that act on an account without a password (verifying an address, resetting a password,
stopping emails) name it by its id and by a stamp drawn from the moment the account was made. Ids
are no longer handed out twice (migration 0025), but before that SQLite gave a deleted account's id
to the next account: the stamp keeps a link kept from the old account from ever acting on another.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the member is the accounts feature's: named here, never imported at run time
    from kb.auth.models import User

STAMP = "a"  # the key the stamp travels under in a link's signed data


def stamp(user: User) -> str:
    return hashlib.sha256(f"{user.id}\n{user.created_at.isoformat()}".encode()).hexdigest()[:16]


def stamped(user: User, **data: Any) -> dict[str, Any]:
    """A link's data naming `user`: their id and their stamp, with the link's own fields."""
    return {"u": user.id, STAMP: stamp(user), **data}


def made_for(user: User, data: dict[str, Any], signed_at: datetime) -> bool:
    """Whether a link's signed data, signed at `signed_at` (aware UTC), was made for this account."""
    if STAMP in data:
        return data[STAMP] == stamp(user)
    # A link mailed before links carried the stamp (an unsubscribe link lasts a year): the account
    # must be as old as the link. Signing times are whole seconds.
    return bool(user.created_at.replace(microsecond=0) <= signed_at.replace(tzinfo=None))
