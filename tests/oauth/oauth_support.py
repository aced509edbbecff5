"""Helpers for the OAuth tests: a server with sign-in on, a person at the consent page, the SDK's client.

`signed_in_site` runs our app (OAuth on, issuer = its loopback origin, store in a temporary directory)
against the test sandbox. `Person` is the test-local "browser": given the authorization URL the SDK's
`OAuthClientProvider` wants opened, it GETs /authorize, follows to the consent page, posts the form with
a key and returns the redirect back to the client. `documents_server` serves a client metadata
document over https (a self-signed certificate made here) for the CIMD tests.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import ipaddress
import re
import secrets
import ssl
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx2
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from http_app import LiveServer, running
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)
from pydantic import AnyUrl
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from server.http.binding import bind
from server.oauth import OAuth
from server.oauth.store import Store
from server.settings import Settings
from server.upstream.client import Upstream

REDIRECT_URI = "http://127.0.0.1:53682/callback"


class Clock:
    """The server's clock in these tests: real time plus however far a test moved it."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class Site:
    live: LiveServer
    oauth: OAuth
    clock: Clock

    @property
    def origin(self) -> str:
        return self.live.origin

    @property
    def mcp_url(self) -> str:
        return self.live.mcp_url


@contextlib.contextmanager
def signed_in_site(
    settings: Settings,
    *,
    public_url: str | None = None,
    store: Store | None = None,
    tls: ssl.SSLContext | None = None,
    **overrides: Any,
) -> Iterator[Site]:
    """Our app with OAuth on, on a free loopback port; `public_url` defaults to that port's origin."""
    sock = bind("127.0.0.1", 0)
    origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = settings.model_copy(update={"public_url": public_url or origin, **overrides})
    clock = Clock()
    upstream = Upstream(settings)
    oauth = OAuth(settings, upstream, store=store, tls=tls, clock=clock)
    with running(settings, upstream, sock=sock, oauth=oauth) as live:
        yield Site(live, oauth, clock)


class MemoryTokens:
    """The SDK client's token storage, in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def hidden_fields(html: str) -> dict[str, str]:
    return dict(_HIDDEN.findall(html))


@dataclass
class Person:
    """Someone signing in: opens the authorization URL, fills the consent form, lands back at the client."""

    key: str
    # (public origin, where it is really served): behind a "proxy", the browser goes to the latter.
    public_to_local: tuple[str, str] | None = None
    allow_writes: bool = True
    toolsets: list[str] | None = None  # None: leave every offered box ticked
    authorization_url: str | None = None
    consent_pages: list[str] = field(default_factory=list)

    async def open(self, url: str) -> None:
        self.authorization_url = url

    async def come_back(self) -> AuthorizationCodeResult:
        assert self.authorization_url is not None
        location = await self.consent(self.authorization_url)
        query = parse_qs(urlsplit(location).query)
        assert "code" in query, location
        return AuthorizationCodeResult(
            code=query["code"][0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0]
        )

    async def consent(self, authorization_url: str) -> str:
        """Where the browser is sent after the consent form is posted (the client's redirect URI)."""
        async with httpx2.AsyncClient(timeout=20) as browser:
            answer = await browser.get(authorization_url)
            assert answer.status_code == 302, answer.text
            consent_url = urljoin(authorization_url, answer.headers["location"])
            if self.public_to_local is not None:
                consent_url = consent_url.replace(*self.public_to_local, 1)
            page = await browser.get(consent_url)
            assert page.status_code == 200, page.text
            self.consent_pages.append(page.text)
            answer = await browser.post(consent_url.split("?")[0], data=self.form(page.text))
            assert answer.status_code == 303, answer.text
            return str(answer.headers["location"])

    def form(self, html: str) -> dict[str, Any]:
        offered = re.findall(r'name="toolset" value="([a-z_]+)"', html)
        data: dict[str, Any] = {**hidden_fields(html), "api_key": self.key, "decision": "allow"}
        data["toolset"] = offered if self.toolsets is None else self.toolsets
        if self.allow_writes:
            data["allow_writes"] = "on"
        return data


def client_auth(
    site: Site, person: Person, tokens: MemoryTokens, *, document_url: str | None = None
) -> OAuthClientProvider:
    metadata = OAuthClientMetadata(
        redirect_uris=[AnyUrl(REDIRECT_URI)],
        token_endpoint_auth_method="none",
        grant_types=["authorization_code", "refresh_token"],
        client_name="Flow test client",
    )
    return OAuthClientProvider(
        site.mcp_url,
        metadata,
        tokens,
        redirect_handler=person.open,
        callback_handler=person.come_back,
        client_metadata_url=document_url,
    )


@contextlib.asynccontextmanager
async def signed_in_client(auth: OAuthClientProvider, url: str) -> AsyncIterator[Client]:
    async with (
        httpx2.AsyncClient(auth=auth, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http)) as client,  # type: ignore[arg-type]
    ):
        yield client


async def post_mcp(url: str, token: str) -> httpx2.Response:
    """One raw `tools/list` (2026 era) with a bearer token."""
    async with httpx2.AsyncClient(timeout=20) as http:
        return await http.post(
            url,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": _META}},
            headers={
                "authorization": f"Bearer {token}",
                "accept": "application/json, text/event-stream",
                "mcp-protocol-version": "2026-07-28",
                "mcp-method": "tools/list",
            },
        )


_META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
}


# -- an https server for client metadata documents --------------------------------------------------


@dataclass
class DocumentServer:
    origin: str
    tls: ssl.SSLContext
    documents: dict[str, Any]
    requests: list[str]

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"


@contextlib.contextmanager
def documents_server() -> Iterator[DocumentServer]:
    """An https server on 127.0.0.1 with a self-signed certificate; `tls` trusts exactly that certificate."""
    requests: list[str] = []
    documents: dict[str, Any] = {}

    async def serve(request: Request) -> Response:
        requests.append(request.url.path)
        document = documents.get(request.url.path)
        if isinstance(document, str):
            return PlainTextResponse(document)
        return JSONResponse(document) if document is not None else JSONResponse({}, status_code=404)

    app = Starlette(routes=[Route("/{path:path}", serve)])
    with tempfile.TemporaryDirectory(prefix="intervyo-cimd-") as workdir:
        cert, key = _self_signed(Path(workdir))
        sock = bind("127.0.0.1", 0)
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_config=None, log_level="warning", ssl_certfile=str(cert), ssl_keyfile=str(key)
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        started = time.monotonic()
        while not server.started:
            if not thread.is_alive() or time.monotonic() - started > 10:
                raise RuntimeError("the document server did not start")
            time.sleep(0.01)
        tls = ssl.create_default_context(cafile=str(cert))
        try:
            yield DocumentServer(f"https://127.0.0.1:{port}", tls, documents, requests)
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()


def _self_signed(workdir: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = workdir / "cert.pem", workdir / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


# -- the flow by hand, for the refusals --------------------------------------------------------------


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


async def register(site: Site, redirect_uri: str = REDIRECT_URI, **metadata: Any) -> dict[str, Any]:
    """Dynamic Client Registration of a public client; the registration response."""
    body = {
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        "client_name": "Hand-driven client",
        **metadata,
    }
    async with httpx2.AsyncClient(timeout=10) as http:
        answer = await http.post(site.origin + "/register", json=body)
    assert answer.status_code == 201, answer.text
    registered: dict[str, Any] = answer.json()
    return registered


def authorize_url(
    site: Site,
    client_id: str,
    challenge: str,
    *,
    redirect_uri: str = REDIRECT_URI,
    resource: str | None = None,
    state: str = "state-1",
) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": state,
        "resource": resource or site.oauth.resource,
    }
    return f"{site.origin}/authorize?{urlencode(query)}"


async def code_for(site: Site, key: str, client_id: str, challenge: str) -> str:
    person = Person(key, public_to_local=(site.oauth.issuer, site.origin))
    location = await person.consent(authorize_url(site, client_id, challenge))
    return parse_qs(urlsplit(location).query)["code"][0]


async def token_request(site: Site, **form: str) -> httpx2.Response:
    async with httpx2.AsyncClient(timeout=10) as http:
        return await http.post(site.origin + "/token", data=form)


async def signed_in_tokens(site: Site, key: str) -> tuple[str, dict[str, Any]]:
    """A client registered, signed in by hand: its id and the token response."""
    client_id = str((await register(site))["client_id"])
    verifier, challenge = pkce()
    code = await code_for(site, key, client_id, challenge)
    answer = await token_request(
        site,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        client_id=client_id,
        code_verifier=verifier,
        resource=site.oauth.resource,
    )
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return client_id, tokens
