"""The users file: who may log in to a server that listens beyond this machine.

One line per reviewer, `name:hash`, the hash an argon2id one (argon2-cffi); blank lines and
lines starting with # are ignored. `letter-audit review passwd --users FILE NAME` adds a
reviewer or changes a password. The file holds no password, only hashes.
"""
from __future__ import annotations

import os
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..atomic import write_text
from ..settings import SettingsError

_HASHER = PasswordHasher()
NAME_CHARS = 64


class UsersError(SettingsError):
    """A users file that cannot be used (exit code 2)."""


def load_users(path: Path) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsersError(f"no such users file: {path} (add a reviewer with `letter-audit review passwd "
                         f"--users {path} NAME`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsersError(f"cannot read the users file {path} ({exc})") from None
    users = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hashed = line.rpartition(":")
        if not sep or not name or not hashed.startswith("$argon2"):
            raise UsersError(f"{path}:{number}: expected NAME:ARGON2-HASH")
        users[name] = hashed
    if not users:
        raise UsersError(f"the users file {path} names no reviewer")
    return users


def verify(users: dict[str, str], name: str, password: str) -> bool:
    """True when `password` is `name`'s. An unknown name costs a hash too (no timing tell)."""
    hashed = users.get(name)
    try:
        return _HASHER.verify(hashed or _DUMMY, password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def set_password(path: Path, name: str, password: str) -> None:
    """Add `name` to the users file (created if missing) or change their password."""
    if not valid_name(name) or ":" in name:
        raise UsersError(f"a reviewer's name is 1 to {NAME_CHARS} printable characters without ':', not {name!r}")
    users = load_users(path) if os.path.exists(path) else {}
    users[name] = _HASHER.hash(password)
    lines = ["# letter-audit users: NAME:ARGON2-HASH, one per line (letter-audit review passwd)"]
    lines += [f"{user}:{hashed}" for user, hashed in sorted(users.items())]
    write_text(Path(path), "\n".join(lines) + "\n", follow=True)


def valid_name(name: str) -> bool:
    return 0 < len(name) <= NAME_CHARS and name.isprintable() and name.strip() == name


_DUMMY = _HASHER.hash("letter-audit: not a password")
