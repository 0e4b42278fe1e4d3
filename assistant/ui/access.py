"""Who reaches the chat and how much they may send: the request guard and the login throttle.

`RequestGuard` is an ASGI middleware, given to Gradio's FastAPI app through ``launch(app_kwargs=...)``: it refuses a
request body over ``max_request_bytes`` with 413 before anything reads it, and records each request's client address
for the login throttle. `LoginThrottle.check` is the ``auth`` function Gradio's ``/login`` route awaits: after a
failed login, the next attempt from the same address or for the same user waits ``login_delay_s``, doubling with
each further failure up to ``login_delay_max_s``; an attempt that would have to wait longer than that (many attempts
at once) is refused with 429 without checking its password. A successful login clears both counts.

The throttle waits with ``asyncio.sleep``: Gradio awaits an async ``auth`` function on its event loop, so a waiting
attempt holds no thread and delays no one else's request.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from fastapi import HTTPException

CLIENT_ADDRESS: ContextVar[str] = ContextVar("client_address", default="unknown")
FORGET_S = 3600.0  # failures are forgotten after an hour without attempts
PRUNE_ABOVE = 1000  # keys kept before forgotten ones are pruned

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BodyTooLarge(Exception):
    """A request body that grew past the limit while it was read (no Content-Length, or a false one)."""


class RequestGuard:
    """ASGI middleware: a request body over ``max_bytes`` is refused (413) unread; the client address is recorded."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102  (the ASGI interface)
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = CLIENT_ADDRESS.set(str(client[0]) if client else "unknown")
        try:
            declared = dict(scope.get("headers") or []).get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
                await self._refuse(send)
                return
            await self.app(scope, self._counting(receive), send)
        except BodyTooLarge:
            await self._refuse(send)
        finally:
            CLIENT_ADDRESS.reset(token)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        return counted

    async def _refuse(self, send: Send) -> None:
        body = (
            f'{{"detail": "The request is larger than {self.max_bytes:,} bytes (ASSISTANT_MAX_REQUEST_BYTES): refused."}}'
        ).encode()
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})
        except RuntimeError:  # the app had already started its response: it ends as it is
            pass


class LoginThrottle:
    """Checks the one configured login, slowing attempts after failures (per client address and per user name)."""

    def __init__(
        self,
        user: str,
        password: str,
        *,
        delay_s: float,
        max_delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._user, self._password = user.encode(), password.encode()
        self.delay_s, self.max_delay_s = delay_s, max_delay_s
        self._clock, self._sleep = clock, sleep
        self._failures: dict[str, int] = {}
        self._next: dict[str, float] = {}  # when the next attempt on this key may be checked

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` failed attempts: none, then ``delay_s`` doubling, capped at ``max_delay_s``."""
        if failures <= 0:
            return 0.0
        return min(self.max_delay_s, self.delay_s * 2 ** min(failures - 1, 32))

    def failures(self, username: str, address: str) -> int:
        """Failed attempts counted against ``username`` or ``address`` (the larger)."""
        return max(self._failures.get(f"user {username}", 0), self._failures.get(f"address {address}", 0))

    async def check(self, username: str, password: str) -> bool:
        """Gradio's ``auth`` function: whether the login is right, after the wait earlier failures earned."""
        address = CLIENT_ADDRESS.get()
        keys = (f"address {address}", f"user {username}")
        now = self._clock()
        self._prune(now)
        start = max(now, *(self._next.get(k, 0.0) for k in keys))
        if start - now > self.max_delay_s:
            raise HTTPException(
                status_code=429,
                detail=f"Too many failed sign-ins; try again in {start - now:.0f} s.",
                headers={"Retry-After": str(int(start - now) + 1)},
            )
        # Booked as a failure before the check, so attempts made at the same time queue behind each other.
        for key in keys:
            self._failures[key] = self._failures.get(key, 0) + 1
            self._next[key] = start + self.delay(self._failures[key])
        if start > now:
            await self._sleep(start - now)
        ok = hmac.compare_digest(username.encode(), self._user) & hmac.compare_digest(password.encode(), self._password)
        if ok:
            for key in keys:
                self._failures.pop(key, None)
                self._next.pop(key, None)
        return bool(ok)

    def _prune(self, now: float) -> None:
        if len(self._next) <= PRUNE_ABOVE:
            return
        for key in [k for k, t in self._next.items() if now - t > FORGET_S]:
            self._next.pop(key, None)
            self._failures.pop(key, None)
