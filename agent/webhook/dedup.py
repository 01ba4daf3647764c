"""Redeliveries: GitHub may send a delivery again (retries, "Redeliver" in its UI) with the
same `X-GitHub-Delivery` id. Ids are remembered in Redis with `SET NX` and a TTL, so every
replica of the service sees the same set; an id whose handling failed is forgotten again,
so its redelivery can succeed."""

from __future__ import annotations

from typing import Protocol

from redis.asyncio import Redis

PREFIX = "backend-agent:webhook:delivery:"


class Deduplicator(Protocol):
    """Remembers delivery ids."""

    async def first_time(self, delivery: str) -> bool:
        """True the first time `delivery` is seen (and remember it); False afterwards."""
        ...

    async def forget(self, delivery: str) -> None:
        """Forget `delivery` (its handling failed; a redelivery should be handled)."""
        ...


class RedisDeduplicator:
    """`Deduplicator` on Redis: one key per delivery id, expiring after `ttl_s`."""

    def __init__(self, url: str, ttl_s: int) -> None:
        self._redis: Redis = Redis.from_url(url)
        self._ttl_s = ttl_s

    async def first_time(self, delivery: str) -> bool:
        created = await self._redis.set(PREFIX + delivery, b"1", nx=True, ex=self._ttl_s)
        return bool(created)

    async def forget(self, delivery: str) -> None:
        await self._redis.delete(PREFIX + delivery)

    async def aclose(self) -> None:
        await self._redis.aclose()
