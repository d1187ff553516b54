"""Change notification: accounts announce that a merchant's status changed; streams listen.

Its own part so that the announcer (accounts) and the listeners (onboarding's status stream,
caches) need not know each other.
"""

from gangway.changes.feed import DRAIN, RESYNC, REVOKED, ChangeFeed

__all__ = ["DRAIN", "RESYNC", "REVOKED", "ChangeFeed"]
