"""Sign-up, sign-in, sessions and throttling: the work behind the auth endpoints."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from gangway.auth import repository
from gangway.auth.cache import SessionCache
from gangway.auth.models import AuthSession, Merchant
from gangway.auth.passwords import PasswordHasher, password_problem
from gangway.changes import ChangeFeed
from gangway.core.config import Settings
from gangway.core.db import Database, utcnow
from gangway.core.errors import Conflict, GangwayError, TooManyRequests, Unauthorized
from gangway.core.ratelimit import RateLimiter
from gangway.core.singleflight import SingleFlight

logger = logging.getLogger("gangway.auth")

# A session's last_seen_at is written at most this often, so reads stay reads.
TOUCH_INTERVAL = timedelta(seconds=60)


class WeakPassword(GangwayError):
    status, slug, title = 422, "weak-password", "Password too weak"


class EmailTaken(Conflict):
    slug, title = "email-taken", "Email already registered"


class InvalidCredentials(Unauthorized):
    slug, title = "invalid-credentials", "Invalid email or password"


class LoginThrottled(TooManyRequests):
    slug, title = "login-throttled", "Too many sign-in attempts"


class SignupThrottled(TooManyRequests):
    slug, title = "signup-throttled", "Too many sign-ups"


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedSession:
    """A freshly created session and the raw token that goes into the cookie (only here)."""

    token: str
    row: AuthSession


@dataclass(frozen=True)
class LiveSession:
    """A session that is valid right now, with its merchant (None before sign-in)."""

    row: AuthSession
    merchant: Merchant | None


@dataclass(frozen=True)
class AuthService:
    """Dependencies are passed in at construction; live sessions are cached in ``cache``."""

    db: Database
    settings: Settings
    hasher: PasswordHasher
    limiter: RateLimiter
    changes: ChangeFeed
    cache: SessionCache
    # Database loads of a session, shared by the requests that miss the cache together.
    _loads: SingleFlight[tuple[str, bool, int], LiveSession | None] = field(
        default_factory=SingleFlight, init=False, repr=False, compare=False
    )

    # --- sessions

    async def issue_session(
        self, merchant_id: str | None, *, replacing: int | None
    ) -> IssuedSession:
        """Create a session (deleting ``replacing`` in the same transaction: rotation)."""
        token = secrets.token_urlsafe(32)  # 256 bits
        now = utcnow()
        row = AuthSession(
            token_hash=hash_token(token),
            csrf_token=new_csrf_token(),
            merchant_id=merchant_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + self.settings.session_absolute_timeout,
        )
        async with self.db.write(announced=True) as session:
            if replacing is not None:
                await repository.delete_session(session, replacing)
            session.add(row)
        if replacing is not None:
            await self.changes.revoke_session(replacing)
        return IssuedSession(token, row)

    async def load_session(self, token: str | None, *, touch: bool = True) -> LiveSession | None:
        """The live session for a cookie token, or None. Expired sessions are deleted.

        ``touch=False`` checks without counting as activity (an open status stream is not).
        A cached row answers when its times say it is live and no touch is due; otherwise
        the database decides (a cached ``last_seen_at`` may be older than another process's
        touch, so an idle-looking session is re-read before it is ended).
        """
        if not token or len(token) > 200:
            return None
        token_hash = hash_token(token)
        now = utcnow()
        idle = self.settings.session_idle_timeout
        touch_every = self._touch_every
        cached = self.cache.get(token_hash)
        if cached is not None:
            seen = cached.row.last_seen_at
            if (
                now < cached.row.expires_at
                and now < seen + idle
                and not (touch and now - seen >= touch_every)
            ):
                return LiveSession(cached.row, cached.merchant)
        generation = self.cache.generation
        if not self.cache.enabled:
            return await self._load_session(token_hash, touch, generation)
        # One read (and one touch) for every request that missed together. Under the cache's
        # generation: a request after a revocation never joins a read begun before it.
        return await self._loads.run(
            (token_hash, touch, generation),
            lambda: self._load_session(token_hash, touch, generation),
        )

    async def _load_session(
        self, token_hash: str, touch: bool, generation: int
    ) -> LiveSession | None:
        """The database's answer for ``load_session``; cached unless a revocation came first."""
        async with self.db.read() as session:
            found = await repository.session_by_token_hash(session, token_hash)
        if found is None:
            return None
        row, merchant = found
        now = utcnow()
        if now >= self.session_expires_at(row):
            await self.end_session(row)
            logger.info("auth.session.expired", extra={"session_id": row.id})
            return None
        if touch and now - row.last_seen_at >= self._touch_every:
            async with self.db.write(announced=True) as session:
                live = await session.get(AuthSession, row.id)
                if live is not None:
                    live.last_seen_at = now
            row.last_seen_at = now
        self.cache.put(token_hash, row, merchant, generation)
        return LiveSession(row, merchant)

    async def live_until(self, token: str | None) -> datetime | None:
        """When the token's session ends if left alone (no activity), or None if it has ended.

        Not activity itself: an open status stream asks this without touching the session.
        """
        live = await self.load_session(token, touch=False)
        return self.session_expires_at(live.row) if live else None

    async def sweep_expired_sessions(self) -> int:
        """Delete sessions past their absolute or idle expiry; how many (housekeeping)."""
        now = utcnow()
        # Announced: a swept session is already refused by time wherever it is cached.
        async with self.db.write(announced=True) as session:
            return await repository.delete_expired_sessions(
                session, now, now - self.settings.session_idle_timeout
            )

    async def end_session(self, row: AuthSession) -> None:
        """Delete the session and tell every process's cache and streams (sign-out, expiry)."""
        assert row.id is not None
        async with self.db.write(announced=True) as session:
            await repository.delete_session(session, row.id)
        await self.changes.revoke_session(row.id)

    @property
    def _touch_every(self) -> timedelta:
        # Written at most every minute (reads stay reads), and well within a short idle timeout.
        return min(TOUCH_INTERVAL, self.settings.session_idle_timeout / 4)

    def session_expires_at(self, row: AuthSession) -> datetime:
        """When the session ends if left idle, capped by its absolute expiry."""
        return min(row.expires_at, row.last_seen_at + self.settings.session_idle_timeout)

    # --- sign-up and sign-in

    async def merchant_by_email(self, email: str) -> Merchant | None:
        async with self.db.read() as session:
            return await repository.merchant_by_email(session, email.strip().lower())

    async def signup(
        self, email: str, password: str, business_name: str, client_ip: str
    ) -> Merchant:
        if problem := password_problem(
            password, email, self.settings.password_min_length, business_name
        ):
            raise WeakPassword(problem)
        await self._reserve(
            [(f"signup-ip:{client_ip}", self.settings.signups_per_ip_per_hour)],
            timedelta(hours=1),
            SignupThrottled("Too many sign-ups from your network. Try again later."),
        )
        password_hash = await self.hasher.hash(password)
        merchant = Merchant(email=email, business_name=business_name, password_hash=password_hash)
        try:
            async with self.db.write() as session:
                session.add(merchant)
        except IntegrityError as exc:
            raise EmailTaken("An account with this email already exists; sign in instead.") from exc
        logger.info("auth.signup", extra={"merchant_id": merchant.id})
        return merchant

    async def authenticate(self, email: str, password: str, client_ip: str) -> Merchant:
        """Check credentials under throttling. Unknown emails cost the same as wrong passwords.

        Each attempt first reserves a use of its email's and its IP's allowance (atomically,
        so no burst of concurrent attempts gets more checks than the limit); a successful
        sign-in gives the reservations back.
        """
        window = self.settings.login_throttle_window
        email_key, ip_key = f"login-email:{email}", f"login-ip:{client_ip}"
        await self._reserve(
            [
                (email_key, self.settings.login_max_failures_per_account),
                (ip_key, self.settings.login_max_failures_per_ip),
            ],
            window,
            LoginThrottled("Too many sign-in attempts. Wait a few minutes, then try again."),
        )
        async with self.db.read() as session:
            merchant = await repository.merchant_by_email(session, email)
        ok = await self.hasher.verify(password, merchant.password_hash if merchant else None)
        if not ok or merchant is None:
            logger.info("auth.login.failed", extra={"known_email": merchant is not None})
            raise InvalidCredentials("Invalid email or password.")
        await self.limiter.reset(email_key)
        await self.limiter.release(ip_key)
        logger.info("auth.login.succeeded", extra={"merchant_id": merchant.id})
        return merchant

    async def _reserve(
        self, keys: list[tuple[str, int]], window: timedelta, refusal: GangwayError
    ) -> None:
        """Reserve one use of every key, in order, or none: raise ``refusal`` at the first used up.

        A refused attempt stops there and gives back what it had reserved, so it never touches
        the later keys: thirty attempts on one email refused by the email's allowance cannot
        crowd the IP's count and refuse the few the email's allowance lets through.
        """
        reserved: list[str] = []
        for key, limit in keys:
            hit = await self.limiter.hit(key, limit, window)
            if hit.allowed:
                reserved.append(key)
                continue
            for held in reserved:
                await self.limiter.release(held)
            refusal.retry_after = hit.retry_after
            logger.warning(
                "auth.throttled", extra={"slug": refusal.slug, "retry_after": refusal.retry_after}
            )
            raise refusal
