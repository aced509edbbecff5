"""Client ID Metadata Documents: a client whose id is an https URL describes itself at that URL.

Fetching a URL a stranger chose is a server-side request forgery risk, so the fetch is fenced:

- https only, no credentials in the URL, a path other than `/`, no redirects followed;
- the host is resolved here and every address must be public (not loopback, private, link-local,
  reserved...), and the connection goes to the address that was checked, with the hostname kept for
  TLS (SNI and certificate check), so DNS cannot answer differently between the check and the connect.
  `allow_private` (the CIMD dev setting) lifts only the address rule, for tests and local development;
- at most 5 KB and 5 seconds, a 200 served as JSON; the document's `client_id` must be the URL itself, with
  redirect URIs, and a public client (`none`: such a client holds no secret);
- a document is cached for five minutes (a refusal for thirty seconds), so a burst of authorizations
  costs one fetch.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import anyio
import httpx2
from pydantic import ValidationError

from server.oauth.clients import Client, redirect_problem

__all__ = ["ClientDocumentError", "ClientDocuments"]

MAX_BYTES = 5 * 1024
TIMEOUT_S = 5.0
CACHE_S = 300.0
FAILURE_CACHE_S = 30.0


class ClientDocumentError(Exception):
    """The client's metadata document could not be used; the message says why, for the person signing in."""


@dataclass(frozen=True)
class _Cached:
    client: Client | None
    error: str | None
    until: float


class ClientDocuments:
    """Fetches, checks and caches client metadata documents."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        tls: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._allow_private = allow_private
        self._tls = tls
        self._clock = clock
        self._cache: dict[str, _Cached] = {}
        self._client: httpx2.AsyncClient | None = None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def load(self, url: str) -> Client:
        """The client `url` describes; `ClientDocumentError` when it cannot be used."""
        now = self._clock()
        cached = self._cache.get(url)
        if cached is None or cached.until < now:
            try:
                cached = _Cached(await self._fetch(url), None, now + CACHE_S)
            except ClientDocumentError as error:
                cached = _Cached(None, str(error), now + FAILURE_CACHE_S)
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[url] = cached
        if cached.client is None:
            raise ClientDocumentError(cached.error or "the client metadata document is unusable")
        return cached.client

    async def _fetch(self, url: str) -> Client:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or parts.path in ("", "/"):
            raise ClientDocumentError("a client id URL must be https with a path")
        if parts.username is not None or parts.password is not None or parts.fragment:
            raise ClientDocumentError("a client id URL must not carry credentials or a fragment")
        host = parts.hostname
        port = parts.port or 443
        address = await self._checked_address(host, port)
        netloc = f"[{address}]" if ":" in address else address
        pinned = urlunsplit(("https", f"{netloc}:{port}", parts.path, parts.query, ""))
        request_headers = {"host": parts.netloc, "accept": "application/json"}
        try:
            with anyio.fail_after(TIMEOUT_S):
                async with self._http().stream(
                    "GET", pinned, headers=request_headers, extensions={"sni_hostname": host}
                ) as response:
                    if response.status_code != 200:
                        raise ClientDocumentError(
                            f"the client metadata document answered HTTP {response.status_code}"
                        )
                    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if media_type != "application/json" and not media_type.endswith("+json"):
                        raise ClientDocumentError("the client metadata document is not served as JSON")
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > MAX_BYTES:
                            raise ClientDocumentError("the client metadata document is larger than 5 KB")
        except TimeoutError:
            raise ClientDocumentError("the client metadata document took longer than 5 seconds") from None
        except httpx2.HTTPError:
            raise ClientDocumentError("the client metadata document could not be fetched") from None
        return _parse(url, bytes(body))

    def _http(self) -> httpx2.AsyncClient:
        if self._client is None:
            self._client = httpx2.AsyncClient(
                verify=self._tls or True, follow_redirects=False, trust_env=False, timeout=TIMEOUT_S
            )
        return self._client

    async def _checked_address(self, host: str, port: int) -> str:
        try:
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            raise ClientDocumentError(f"the client id's host {host} does not resolve") from None
        addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global and not (self._allow_private and (ip.is_private or ip.is_loopback)):
                raise ClientDocumentError(
                    f"the client id's host {host} is a private or reserved address; refusing to fetch it"
                )
        if not addresses:
            raise ClientDocumentError(f"the client id's host {host} does not resolve")
        return addresses[0]


def _parse(url: str, body: bytes) -> Client:
    try:
        document = json.loads(body)
    except ValueError:
        raise ClientDocumentError("the client metadata document is not JSON") from None
    if not isinstance(document, dict):
        raise ClientDocumentError("the client metadata document is not a JSON object")
    if document.get("client_id") != url:
        raise ClientDocumentError("the client metadata document's client_id is not its own URL")
    if document.get("client_secret") is not None or document.get("client_secret_expires_at") is not None:
        raise ClientDocumentError("a client metadata document must not carry a client secret")
    method = document.get("token_endpoint_auth_method", "none")
    if method != "none":
        raise ClientDocumentError("only public clients (token_endpoint_auth_method 'none') may use a URL id")
    try:
        client = Client.model_validate({**document, "token_endpoint_auth_method": "none"})
    except ValidationError:
        raise ClientDocumentError("the client metadata document has invalid fields") from None
    problem = redirect_problem(client.redirect_uris)
    if problem is not None:
        raise ClientDocumentError(f"the client metadata document's {problem}")
    return client
