"""The ``Host`` header check of an endpoint worker (protection against DNS rebinding).

A web page can make a browser send requests to ``http://evil.example:8080/`` after
pointing ``evil.example`` at 127.0.0.1: the browser then treats the endpoint as part of
the attacker's site and lets the page read its answers. The request still carries
``Host: evil.example:8080``, so a server that answers only the names it was bound for is
safe, as MLflow's and Jupyter's servers do. An IP address in ``Host`` cannot be the
result of a rebinding (the page's origin would then be that address itself), so it is
accepted when the server listens on every interface.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

__all__ = ["HostCheck", "host_name"]

_WILDCARDS = frozenset({"", "0.0.0.0", "::"})
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


def host_name(value: bytes) -> str:
    """The name in a ``Host`` header value, lower-case, without port or brackets."""
    text = value.decode("latin-1").strip().lower()
    if text.startswith("["):  # [::1]:8080
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostCheck:
    """Decides whether a request's ``Host`` header names this server.

    Args:
        bound: the address the listening socket is bound to.
        allowed: extra names (``"*"``: any; ``"*.example.org"``: that domain's subdomains).
    """

    def __init__(self, bound: str, allowed: Iterable[str] = ()) -> None:
        extra = [a.strip().lower().rstrip(".") for a in allowed if a.strip()]
        self.any = "*" in extra
        self.suffixes = tuple(a[1:] for a in extra if a.startswith("*."))
        names = {*_LOOPBACK, *(a for a in extra if not a.startswith("*"))}
        self.wildcard = bound in _WILDCARDS
        if self.wildcard:
            names.add(socket.gethostname().lower())
        else:
            names.add(host_name(bound.encode()))
        self.names = frozenset(names)
        self._seen: dict[bytes, bool] = {}  # clients send the same few values

    def allows(self, value: bytes | None) -> bool:
        """Whether a request with this ``Host`` value (None: no header, as HTTP/1.0 may
        send; browsers always send one) is answered."""
        if value is None or self.any:
            return True
        known = self._seen.get(value)
        if known is not None:
            return known
        name = host_name(value)
        ok = name in self.names or name.endswith(self.suffixes) or (self.wildcard and _is_ip(name))
        if len(self._seen) < 256:
            self._seen[value] = ok
        return ok

    def message(self, value: bytes) -> str:
        """The 403 message for a refused ``Host`` value."""
        shown = value[:100].decode("latin-1")
        return (
            f"Host {shown!r} is not a name this endpoint serves (it answers "
            f"{', '.join(sorted(self.names))}"
            + (" and any IP address" if self.wildcard else "")
            + "). A request for another name can be a DNS-rebinding attack from a web page. "
            "To reach the endpoint under another name, add it to allowed_hosts when deploying."
        )
