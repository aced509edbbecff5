"""The API's error answers, one exception class per documented status.

    ApiError                 status, message, extra body fields
    ├── ValidationFailed     400 {"error": "Validation error", "issues": [{"path", "message"}]}
    ├── Unauthorized         401 key missing, malformed or revoked
    ├── PaymentRequired      402 no paid plan, or out of session credits
    ├── Forbidden            403 key lacks the scope (+ "required_scope")
    ├── NotFound             404 no such row, or another workspace's
    ├── ExecutionTimeout     408 code ran past its wall-clock limit
    ├── Conflict             409 duplicate, or a lifecycle move the session cannot make
    ├── Unprocessable        422 batched execution asked for a language without it
    ├── TooManyRequests      429 throttled (+ Retry-After header)
    └── BadGateway           502 the code runner failed

Handlers raise them; the app turns them into JSON responses in one place (`ApiError.response`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox.responses import ApiJSONResponse

__all__ = [
    "ApiError",
    "BadGateway",
    "Conflict",
    "ExecutionTimeout",
    "Forbidden",
    "Issue",
    "NotFound",
    "PaymentRequired",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
    "ValidationFailed",
]

Issue = dict[str, Any]


class ApiError(Exception):
    """An error answer: an HTTP status and the JSON body `{"error": message, **extra}`."""

    status = 500

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.message, **self.extra}

    def headers(self) -> dict[str, str]:
        return {}

    def response(self) -> ApiJSONResponse:
        return ApiJSONResponse(self.body(), status_code=self.status, headers=self.headers())


class ValidationFailed(ApiError):
    status = 400

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__("Validation error", issues=list(issues))

    @classmethod
    def at(cls, path: Sequence[str | int], message: str) -> ValidationFailed:
        """One issue at one path, for rules the models cannot express (e.g. no such stage)."""
        return cls([{"path": list(path), "message": message}])


class Unauthorized(ApiError):
    status = 401


class PaymentRequired(ApiError):
    status = 402


class Forbidden(ApiError):
    status = 403

    def __init__(self, scope: str) -> None:
        super().__init__(f"This API key lacks the {scope} scope", required_scope=scope)


class NotFound(ApiError):
    status = 404


class ExecutionTimeout(ApiError):
    status = 408


class Conflict(ApiError):
    status = 409


class Unprocessable(ApiError):
    status = 422


class TooManyRequests(ApiError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("Rate limit exceeded; retry after the Retry-After delay")
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class BadGateway(ApiError):
    status = 502
