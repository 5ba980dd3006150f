"""Who is at the desk, from the operating system.

The actor of every change is the account of the effective uid: ``USER`` and ``LOGNAME``
can be set by anyone, the password database cannot. Standard library only, because the
desk's header needs the name before its first frame, and that path stays free of
SQLAlchemy.
"""

from __future__ import annotations

import os
import pwd


def os_account() -> str:
    """The login of the effective uid."""
    return pwd.getpwuid(os.geteuid()).pw_name


def os_display_name() -> str:
    """The account's full name from GECOS (e.g. 李娜), falling back to the login."""
    entry = pwd.getpwuid(os.geteuid())
    full = entry.pw_gecos.split(",", 1)[0].strip()
    return full or entry.pw_name
