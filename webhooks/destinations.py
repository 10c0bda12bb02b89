"""Where a webhook may be sent: never into our own network (SSRF).

A destination's host is resolved and every address it resolves to must be a public one: no
private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16, the cloud
metadata address among them; fe80::/10), shared (100.64/10), multicast, unspecified or reserved
address, IPv4-mapped IPv6 forms included. It is checked when the endpoint is saved and again at
every attempt, after resolving the name afresh; the attempt then connects to the address that was
checked (not to whatever the name resolves to a moment later), so a name that changes its answer
between the check and the connection (DNS rebinding) gets nowhere.

``WEBHOOKS_ALLOW_PRIVATE=1`` lifts the address rule, for local development and the tests.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from vidflow.errors import ValidationFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(ValidationFailed):
    """The URL is not one we send webhooks to; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, details={"url": [message]})


@dataclass(frozen=True)
class Destination:
    url: str
    scheme: str
    host: str  # as written in the URL (the Host header, the TLS server name)
    port: int
    address: IPAddress  # the checked address to connect to

    @property
    def pinned_url(self) -> str:
        """The URL with its host replaced by the checked address."""
        parts = urlsplit(self.url)
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return parts._replace(netloc=f"{host}:{self.port}").geturl()

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved)


def url_check(url: str) -> tuple[str, str, int]:
    """The URL's scheme, host and port, or DestinationRefused for a URL we never call."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise DestinationRefused(f"Not a valid URL: {exc}.") from exc
    if parts.scheme not in ("http", "https"):
        raise DestinationRefused("The URL must start with https:// (or http://).")
    if not parts.hostname:
        raise DestinationRefused("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise DestinationRefused("The URL may not carry a user name or password.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def destination_resolve(url: str) -> Destination:
    """Resolve the URL's host and check every address; the first one is the one to connect to.

    Raises DestinationRefused when the URL is malformed, the name does not resolve, or any
    address is not public (unless ``WEBHOOKS_ALLOW_PRIVATE``).
    """
    scheme, host, port = url_check(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DestinationRefused(f"The host {host} could not be resolved.") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise DestinationRefused(f"The host {host} could not be resolved.")
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public(address):
                shown = getattr(address, "ipv4_mapped", None) or address
                raise DestinationRefused(
                    f"The host {host} resolves to {shown}, a private, loopback, link-local or "
                    "reserved address; webhooks are only sent to public addresses."
                )
    return Destination(url=url, scheme=scheme, host=host, port=port, address=addresses[0])
