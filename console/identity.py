"""Who is at the keyboard: the operating-system account, from the process's user id.

Never $USER, which anyone can set. Under a service account (SPEC §7) the invoking
account comes from SUDO_UID, trusted only when the console runs as that service account.
"""

from __future__ import annotations

import os
import pwd


def os_login(service_account: str = "") -> str:
    uid = os.getuid()
    login = pwd.getpwuid(uid).pw_name
    sudo_uid = os.environ.get("SUDO_UID")
    if service_account and login == service_account and sudo_uid and sudo_uid.isdigit():
        return pwd.getpwuid(int(sudo_uid)).pw_name
    return login


def os_full_name(login: str) -> str:
    try:
        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except KeyError:
        gecos = ""
    return gecos or login
