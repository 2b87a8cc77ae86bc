"""The client's address, as the exam's throttles and django-axes see it.

Behind a TLS proxy every request comes from the proxy, so the client is named in
X-Forwarded-For; but anyone can send that header. It is believed only when the request reaches
us from a proxy listed in the TRUSTED_PROXIES setting, and then read from the right: each proxy
appends the address it saw, so the first address from the right that is not a trusted proxy is
the client (anything to its left was written by the client itself and proves nothing)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The client's IP address as text ('' when the request names none that parses)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # a hop that is not an address cannot be trusted further: the last good one stands
            break
        if not _trusted(address, networks):
            return str(address)
        remote = str(address)
    return remote
