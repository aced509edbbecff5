"""The OAuth store in Redis (`INTERVYO_REDIS_URL`): every replica sees every grant and token.

Same protocol as `server.oauth.store.SqliteStore`. Keys are `intervyo-mcp:oauth:<kind>:<key>`; a take
is GETDEL and a replace is SET XX KEEPTTL, so both stay atomic across replicas.
"""

from __future__ import annotations

import math

from redis.asyncio import Redis

__all__ = ["RedisStore"]

_PREFIX = "intervyo-mcp:oauth:"


class RedisStore:
    """OAuth records in Redis, shared by all replicas."""

    def __init__(self, url: str) -> None:
        self._redis: Redis = Redis.from_url(url, decode_responses=True)

    async def put(self, kind: str, key: str, value: str, ttl_s: float | None) -> None:
        expiry = None if ttl_s is None else max(1, math.ceil(ttl_s))
        await self._redis.set(_PREFIX + f"{kind}:{key}", value, ex=expiry)

    async def get(self, kind: str, key: str) -> str | None:
        value = await self._redis.get(_PREFIX + f"{kind}:{key}")
        return None if value is None else str(value)

    async def take(self, kind: str, key: str) -> str | None:
        value = await self._redis.getdel(_PREFIX + f"{kind}:{key}")
        return None if value is None else str(value)

    async def replace(self, kind: str, key: str, value: str) -> bool:
        return bool(await self._redis.set(_PREFIX + f"{kind}:{key}", value, xx=True, keepttl=True))

    async def delete(self, kind: str, key: str) -> None:
        await self._redis.delete(_PREFIX + f"{kind}:{key}")

    async def add_member(self, group: str, member: str) -> None:
        await self._redis.sadd(_PREFIX + f"set:{group}", member)

    async def remove_member(self, group: str, member: str) -> None:
        await self._redis.srem(_PREFIX + f"set:{group}", member)

    async def members(self, group: str) -> list[str]:
        return sorted(str(member) for member in await self._redis.smembers(_PREFIX + f"set:{group}"))

    async def aclose(self) -> None:
        await self._redis.aclose()
