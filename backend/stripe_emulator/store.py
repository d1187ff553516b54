"""In-memory state, optionally persisted to a JSON file, guarded by one asyncio lock.

Everything is plain JSON-compatible data so the whole state can be dumped and restored.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import string
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass
class State:
    clock_offset: float = 0.0
    #: account id -> account record (public fields + ``_emu`` internal bookkeeping)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: link token -> link record
    links: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: sha256 of an Account Session's client secret -> session record (the secret itself is
    #: never kept: the Connect.js stand-in looks a session up by the hash)
    account_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Express dashboard login link token -> login link record
    login_links: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: events in creation order (full v2.core.event bodies)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: destination id -> destination record (includes its signing secret)
    destinations: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: "api key\x00idempotency key" -> stored response
    idempotency: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: delivery records (one per event x destination, plus chaos duplicates)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    #: pending fault-injection rules
    faults: list[dict[str, Any]] = field(default_factory=list)
    chaos: dict[str, bool] = field(default_factory=lambda: {"duplicate": False, "reorder": False})
    last_event_ts: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        state = cls()
        for key, value in data.items():
            if hasattr(state, key):
                setattr(state, key, value)
        return state


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path) if path else None
        self.lock = asyncio.Lock()
        self.state = State()
        if self.path is not None and self.path.exists():
            self.state = State.from_json(json.loads(self.path.read_text("utf-8")))

    def reset(self) -> None:
        self.state = State()
        self.save()

    def save(self) -> None:
        """Write the state atomically if a state file is configured."""
        if self.path is None:
            return
        data = json.dumps(asdict(self.state), separators=(",", ":"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".emulator-state")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        Path(tmp).replace(self.path)
