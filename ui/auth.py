"""The editor passphrase: compared in constant time, with a growing delay between failed attempts per browser
session and per client address, a lockout after repeated failures, and every failure logged (time, name given,
client; never the passphrase). `Throttle` is plain Python so it is tested without a server."""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger("compliance.editor_login")

#: seconds to wait after the n-th consecutive failure (n = 1, 2, ...); the last value repeats
DELAYS_S = (1, 2, 4, 8, 16, 30, 60)
#: after this many consecutive failures the key is locked out for LOCKOUT_S
LOCKOUT_AFTER = 10
LOCKOUT_S = 15 * 60


@dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0


@dataclass
class Throttle:
    """Failed attempts per key (a session id, a client address). A key may try again only after its delay."""

    clock: Callable[[], float] = time.monotonic
    records: dict[str, _Record] = field(default_factory=dict)
    failures_logged: list[dict] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, keys: list[str]) -> tuple[float, bool]:
        """Seconds before any of `keys` may try again (0 = now), and whether that is a lockout."""
        now = self.clock()
        longest, locked = 0.0, False
        with self._lock:
            for k in keys:
                r = self.records.get(k)
                if not r or not r.failures:
                    continue
                lockout = r.failures >= LOCKOUT_AFTER
                pause = LOCKOUT_S if lockout else DELAYS_S[min(r.failures, len(DELAYS_S)) - 1]
                left = r.last_failure + pause - now
                if left > longest:
                    longest, locked = left, lockout
        return max(0.0, longest), locked

    def fail(self, keys: list[str], *, name: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for k in keys:
                r = self.records.setdefault(k, _Record())
                r.failures += 1
                r.last_failure = now
            worst = max(self.records[k].failures for k in keys)
        entry = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "event": "editor passphrase refused",
                 "name_given": name[:80], "client": client, "consecutive_failures": worst}
        self.failures_logged.append(entry)
        log.warning(json.dumps(entry, ensure_ascii=False))

    def succeed(self, keys: list[str]) -> None:
        with self._lock:
            for k in keys:
                self.records.pop(k, None)


def passphrase_matches(given: str, secret: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))
