"""Who is at the keyboard: the operating-system account, from the process's user id.

Never $USER, which anyone can set. Under a service account (SPEC §7) the invoking
account comes from SUDO_UID, honoured only when the process's real uid is the service
account named in the root-owned system config (console.config); anywhere else SUDO_UID
is an ordinary environment variable that anyone can set, and is ignored.
"""

from __future__ import annotations

import os
import pwd


def _uid_of(login: str) -> int | None:
    try:
        return pwd.getpwnam(login).pw_uid
    except KeyError:
        return None


def os_login(service_account: str = "") -> str:
    uid = os.getuid()
    login = pwd.getpwuid(uid).pw_name
    sudo_uid = os.environ.get("SUDO_UID", "")
    if not service_account or not sudo_uid.isdigit() or uid != _uid_of(service_account):
        return login
    try:
        return pwd.getpwuid(int(sudo_uid)).pw_name
    except (KeyError, OverflowError):
        return login  # the service account itself, which is no member of staff


def os_full_name(login: str) -> str:
    try:
        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except KeyError:
        gecos = ""
    return gecos or login
