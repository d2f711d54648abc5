"""The API's rate limit: KB_API_RATE_PER_MINUTE requests a minute from each client address.

Counts are kept in each worker's memory, in fixed one-minute windows: cheap, and enough to stop one
client from crowding out the others. With several gunicorn workers a client may get up to that many
times the limit (README, Settings); a later issue moves the counts somewhere all workers share."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

from kb import clock

WINDOW_SECONDS = 60


@dataclass
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends, when refused


@dataclass
class RateLimiter:
    per_minute: int
    _window: int = -1
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, address: str) -> Verdict:
        """Count one request from `address`, and say whether it may go ahead."""
        seconds = clock.now().timestamp()
        window = int(seconds // WINDOW_SECONDS)
        with self._lock:
            if window != self._window:
                # A new minute: every count starts again, so the table never outgrows one minute's clients.
                self._window, self._counts = window, {}
            count = self._counts.get(address, 0) + 1
            self._counts[address] = count
        if count <= self.per_minute:
            return Verdict(True)
        return Verdict(False, max(1, math.ceil((window + 1) * WINDOW_SECONDS - seconds)))


def limiter_for(app) -> RateLimiter:
    """The app's limiter, made on first use with the app's setting."""
    limiter = app.extensions.get("kb_api_limiter")
    if limiter is None or limiter.per_minute != app.config["KB_API_RATE_PER_MINUTE"]:
        limiter = app.extensions["kb_api_limiter"] = RateLimiter(app.config["KB_API_RATE_PER_MINUTE"])
    return limiter
