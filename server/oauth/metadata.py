"""What this server publishes about itself, and the 401 challenge that points to it.

    GET /.well-known/oauth-protected-resource/mcp   RFC 9728 metadata of the MCP endpoint (the path-
    GET /.well-known/oauth-protected-resource       suffixed form clients build from /mcp, and the root)
    GET /.well-known/oauth-authorization-server     RFC 8414 metadata of the authorization server

Every 401 from /mcp carries `WWW-Authenticate: Bearer resource_metadata="<the first URL>"`, which is how
a client that knows only `https://<host>/mcp` finds the rest. The authorization server metadata is the
SDK's (`build_metadata`) plus what it does not know about: client id metadata documents, public clients
(`none`), the RFC 9207 `iss` parameter and this server's scopes.
"""

from __future__ import annotations

from mcp.server.auth.handlers.metadata import MetadataHandler, ProtectedResourceMetadataHandler
from mcp.server.auth.routes import build_metadata, build_resource_metadata_url, cors_middleware
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from mcp.shared.auth import OAuthMetadata, ProtectedResourceMetadata
from pydantic import AnyHttpUrl
from starlette.routing import Route

from server.oauth import scopes

__all__ = [
    "AUTH_METHODS",
    "authorization_server_metadata",
    "challenge",
    "metadata_routes",
    "resource_metadata_url",
]

AUTH_METHODS = ["none", "client_secret_post", "client_secret_basic"]


def resource_metadata_url(resource: str) -> str:
    return str(build_resource_metadata_url(AnyHttpUrl(resource)))


def challenge(resource: str, error: str | None = None, description: str | None = None) -> str:
    """The `WWW-Authenticate` value of a 401 from the MCP endpoint."""
    value = f'Bearer resource_metadata="{resource_metadata_url(resource)}"'
    if error is not None:
        value += f', error="{error}"'
    if description is not None:
        value += f', error_description="{description}"'
    return value


def authorization_server_metadata(issuer: str) -> OAuthMetadata:
    metadata = build_metadata(
        AnyHttpUrl(issuer),
        None,
        ClientRegistrationOptions(enabled=True),
        RevocationOptions(enabled=True),
    )
    # Validated again from plain values: the model keeps a path-less issuer without a trailing slash,
    # and clients compare issuers as strings (RFC 8414 §3.3, RFC 9207).
    return OAuthMetadata.model_validate(
        {
            **metadata.model_dump(mode="json", exclude_none=True),
            "issuer": issuer,
            "scopes_supported": list(scopes.SUPPORTED),
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
            "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
            "client_id_metadata_document_supported": True,
            "authorization_response_iss_parameter_supported": True,
        }
    )


def metadata_routes(issuer: str, resource: str) -> list[Route]:
    protected = ProtectedResourceMetadata.model_validate(
        {
            "resource": resource,
            "authorization_servers": [issuer],
            "scopes_supported": [scopes.READ, scopes.WRITE],
            "resource_name": "intervyo MCP server",
        }
    )
    resource_handler = cors_middleware(ProtectedResourceMetadataHandler(protected).handle, ["GET", "OPTIONS"])
    server_handler = cors_middleware(
        MetadataHandler(authorization_server_metadata(issuer)).handle, ["GET", "OPTIONS"]
    )
    suffixed = resource_metadata_url(resource).removeprefix(issuer)
    return [
        Route(suffixed, resource_handler, methods=["GET", "OPTIONS"]),
        Route("/.well-known/oauth-protected-resource", resource_handler, methods=["GET", "OPTIONS"]),
        Route("/.well-known/oauth-authorization-server", server_handler, methods=["GET", "OPTIONS"]),
    ]
