"""Which proxy, if any, the environment names for a URL: `HTTP(S)_PROXY`, `ALL_PROXY` and `NO_PROXY`.

The variables are read by the standard library (`urllib.request.getproxies`: upper and lower case, and
the system settings on macOS and Windows), and interpreted as curl and httpx2's clients do:

- the URL scheme's own proxy wins over `ALL_PROXY`; one written without a scheme is an `http://` proxy;
- `NO_PROXY` is a comma-separated list: `*` (no proxy for anything); a host name, which exempts it and
  its subdomains (`example.com`), or only its subdomains (`.example.com`, `*.example.com`); an IP
  address or network (`127.0.0.1`, `10.0.0.0/8`, `::1`, `[::1]`, `fd00::/8`); any of those with a
  `:port`; or a URL (`http://host:port`). Entries that cannot be read are ignored.

The upstream asks once per process, for the API's base URL (`server.upstream.client`).
"""

from __future__ import annotations

import ipaddress
import urllib.request
from urllib.parse import urlsplit

import httpx2

__all__ = ["proxy_for"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def proxy_for(url: httpx2.URL) -> httpx2.Proxy | None:
    """The proxy the environment names for `url`, or None to connect directly."""
    proxies = urllib.request.getproxies()
    address = proxies.get(url.scheme) or proxies.get("all")
    if not address:
        return None
    if any(_exempts(entry.strip(), url) for entry in proxies.get("no", "").split(",")):
        return None
    return httpx2.Proxy(address if "://" in address else f"http://{address}")


def _exempts(entry: str, url: httpx2.URL) -> bool:
    if not entry:
        return False
    if entry == "*":
        return True
    scheme = None
    if "://" in entry:
        scheme, _, entry = entry.partition("://")
        if scheme not in ("all", url.scheme):
            return False
    host, port = _split_port(entry)
    if port is not None and port != (url.port or _DEFAULT_PORTS.get(url.scheme)):
        return False
    return _host_matches(host.lower(), url.host.lower())


def _split_port(entry: str) -> tuple[str, int | None]:
    """`host[:port]`, `[v6][:port]`, a bare IPv6 address or network (its colons are no port)."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
        return host, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        parsed = urlsplit(f"//{entry}")
        try:
            return parsed.hostname or "", parsed.port
        except ValueError:
            return entry, None
    return entry, None


def _host_matches(pattern: str, host: str) -> bool:
    try:
        network = ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        pass
    else:
        try:
            return ipaddress.ip_address(host) in network
        except ValueError:
            return False
    if pattern.startswith("*."):
        pattern = pattern[1:]
    if pattern.startswith("."):
        return host.endswith(pattern)
    return host == pattern or host.endswith("." + pattern)
