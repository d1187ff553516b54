"""A per-process cache of each merchant's onboarding status: the body, its JSON and its ETag.

Filled from the database on a miss (one read per merchant however many requests or streams
ask at once), emptied for a merchant by the change feed's announcement of that merchant's
change (in every process), and emptied entirely by any other write to the status tables
through this process's engine or when the feed may have missed announcements. While the feed
cannot hear other processes, nothing is served from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gangway.accounts.models import ConnectedAccount
from gangway.changes import ChangeFeed
from gangway.core.singleflight import SingleFlight
from gangway.onboarding.schemas import OnboardingStatus


@dataclass(frozen=True)
class StatusEntry:
    """One merchant's status, serialized once for every reader and stream."""

    body: OnboardingStatus
    json: str
    etag: str
    account: ConnectedAccount | None
    """The account row the status was built from (read-only: it is shared). Minting decides
    from it, so a link is refused or allowed on the facts the merchant's page shows."""

    @classmethod
    def of(cls, body: OnboardingStatus, account: ConnectedAccount | None) -> StatusEntry:
        synced = int(body.synced_at.timestamp() * 1000) if body.synced_at else 0
        return cls(
            body=body,
            json=body.model_dump_json(),
            etag=f'"v{body.version}-{synced}"',
            account=account,
        )


class StatusCache:
    def __init__(self, changes: ChangeFeed, *, max_entries: int = 50_000) -> None:
        self._changes = changes
        self._max_entries = max_entries
        self._entries: dict[str, StatusEntry] = {}
        # Loads are shared under (merchant, epoch, version): a load begun before a forget is
        # neither joined nor stored after it.
        self._loads: SingleFlight[tuple[str, int, int], StatusEntry] = SingleFlight()
        self._versions: dict[str, int] = {}
        self._epoch = 0
        changes.on_status_change(self.forget)

    async def get(
        self, merchant_id: str, load: Callable[[], Awaitable[StatusEntry]]
    ) -> StatusEntry:
        """The cached entry, or one loaded by ``load`` (shared by concurrent callers)."""
        if not self._changes.cacheable:
            return await load()
        if (entry := self._entries.get(merchant_id)) is not None:
            return entry
        epoch, version = self._epoch, self._versions.get(merchant_id, 0)

        async def load_and_keep() -> StatusEntry:
            entry = await load()
            current = (self._epoch, self._versions.get(merchant_id, 0))
            if current == (epoch, version) and self._changes.cacheable:
                if len(self._entries) >= self._max_entries:
                    del self._entries[next(iter(self._entries))]
                self._entries[merchant_id] = entry
            return entry

        return await self._loads.run((merchant_id, epoch, version), load_and_keep)

    def forget(self, merchant_id: str | None) -> None:
        """Forget one merchant's status, or everyone's (``None``)."""
        if merchant_id is None:
            self._epoch += 1
            self._entries.clear()
            self._versions.clear()
            return
        self._versions[merchant_id] = self._versions.get(merchant_id, 0) + 1
        self._entries.pop(merchant_id, None)

    def forget_all(self) -> None:
        self.forget(None)
