"""Minting links, handling Stripe's redirects back, and reading the cached status."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import col

from gangway.accounts import repository as account_repository
from gangway.accounts.models import ConnectedAccount
from gangway.accounts.service import AccountService
from gangway.auth.models import Merchant
from gangway.core.config import Settings
from gangway.core.db import Database, utcnow
from gangway.core.errors import Conflict, GangwayError, TooManyRequests
from gangway.onboarding.models import LinkAudit
from gangway.onboarding.schemas import LinkCreate, OnboardingLink, OnboardingStatus
from gangway.onboarding.status import build_status, empty_status
from gangway.stripe_gateway import StripeGateway

logger = logging.getLogger("gangway.onboarding")

REFRESH_PATH = "/connect/refresh"
RETURN_PATH = "/connect/return"


class UpdateNotAllowed(Conflict):
    slug, title = "account-update-not-allowed", "This account can't be updated through a link"


class LinkRateLimited(TooManyRequests):
    slug, title = "link-rate-limited", "Too many onboarding links"


class RefreshLoop(GangwayError):
    """Too many refreshes in a minute: stop minting and explain instead."""

    status, slug, title = 429, "refresh-loop", "Onboarding link refreshed too often"


class SyncRateLimited(TooManyRequests):
    slug, title = "sync-rate-limited", "Synced a moment ago"


@dataclass(frozen=True)
class OnboardingService:
    db: Database
    settings: Settings
    stripe: StripeGateway
    accounts: AccountService

    # --- links

    async def mint(
        self, merchant: Merchant, request: LinkCreate, *, source: str = "api"
    ) -> OnboardingLink:
        """Mint a link for the merchant's own account. The URL goes back to the caller only."""
        account = await self.accounts.get(merchant.id)
        if request.use_case == "account_update" and account.requirements_collector != "application":
            raise UpdateNotAllowed(
                "Stripe collects this account's information through its own dashboard, so "
                "the platform can't send you to update it here. Use your Stripe dashboard."
            )
        await self._enforce_link_rate(merchant.id)
        collect = request.collect or self.settings.default_collect.value
        future = request.future_requirements or self.settings.default_future_requirements.value
        link = await self.stripe.create_account_link(
            account_id=account.stripe_account_id,
            use_case=request.use_case,
            collect=collect,
            future_requirements=future,
            refresh_url=self.settings.public_url(REFRESH_PATH),
            return_url=self.settings.public_url(RETURN_PATH),
        )
        async with self.db.write() as session:
            session.add(
                LinkAudit(
                    merchant_id=merchant.id,
                    stripe_account_id=account.stripe_account_id,
                    use_case=request.use_case,
                    collect=collect,
                    future_requirements=future,
                    source=source,
                    expires_at=link.expires_at,
                )
            )
        assert account.id is not None
        await self.accounts.mark_onboarding_started(account.id)
        logger.info(
            "onboarding.link.minted",
            extra={
                "merchant_id": merchant.id,
                "use_case": request.use_case,
                "collect": collect,
                "future_requirements": future,
                "source": source,
            },
        )
        return OnboardingLink(url=link.url, expires_at=link.expires_at, use_case=request.use_case)

    async def refresh(self, merchant: Merchant) -> OnboardingLink:
        """A new link with the parameters of the merchant's latest one (Stripe's refresh_url)."""
        if (
            await self._links_last_minute(merchant.id, source="refresh")
            >= self.settings.refresh_loop_limit
        ):
            logger.warning("onboarding.refresh.loop", extra={"merchant_id": merchant.id})
            raise RefreshLoop("The onboarding link was refreshed too often in a minute.")
        latest_query = (
            select(LinkAudit)
            .where(col(LinkAudit.merchant_id) == merchant.id)
            .order_by(col(LinkAudit.created_at).desc(), col(LinkAudit.id).desc())
            .limit(1)
        )
        async with self.db.read() as session:
            latest = (await session.execute(latest_query)).scalars().first()
        request = (
            LinkCreate(
                use_case=latest.use_case,
                collect=latest.collect,
                future_requirements=latest.future_requirements,
            )
            if latest
            else LinkCreate()
        )
        return await self.mint(merchant, request, source="refresh")

    async def _enforce_link_rate(self, merchant_id: str) -> None:
        if await self._links_last_minute(merchant_id) >= self.settings.links_per_minute:
            raise LinkRateLimited(
                "Too many onboarding links in a minute; wait a moment, then try again.",
                retry_after=60,
            )

    async def _links_last_minute(self, merchant_id: str, *, source: str | None = None) -> int:
        """Links minted for the merchant in the last minute (of one ``source``, if given)."""
        query = (
            select(func.count())
            .select_from(LinkAudit)
            .where(col(LinkAudit.merchant_id) == merchant_id)
            .where(col(LinkAudit.created_at) >= utcnow() - timedelta(minutes=1))
        )
        if source is not None:
            query = query.where(col(LinkAudit.source) == source)
        async with self.db.read() as session:
            return int((await session.execute(query)).scalar_one())

    # --- status

    async def status(self, merchant_id: str) -> OnboardingStatus:
        """The cached status, read from the database only."""
        async with self.db.read() as session:
            account = await account_repository.by_merchant(session, merchant_id)
            if account is None:
                return empty_status()
            assert account.id is not None
            requirements = await account_repository.requirements(session, account.id)
            capabilities = await account_repository.capabilities(session, account.id)
        return build_status(account, requirements, capabilities, self.settings)

    async def sync_now(self, merchant_id: str) -> OnboardingStatus:
        """Re-read from Stripe on the merchant's request, at most once per interval."""
        account = await self.accounts.get(merchant_id)
        await self._claim_manual_sync(account)
        await self.accounts.sync(account.stripe_account_id)
        return await self.status(merchant_id)

    async def _claim_manual_sync(self, account: ConnectedAccount) -> None:
        now = utcnow()
        async with self.db.write() as session:
            row = await session.get(ConnectedAccount, account.id)
            assert row is not None
            if row.manual_sync_at and now - row.manual_sync_at < self.settings.manual_sync_interval:
                wait = self.settings.manual_sync_interval - (now - row.manual_sync_at)
                raise SyncRateLimited(
                    "Synced with Stripe a moment ago; try again shortly.",
                    retry_after=max(1, int(wait.total_seconds()) + 1),
                )
            row.manual_sync_at = now

    async def sync_on_return(self, merchant_id: str) -> None:
        """Best effort, bounded in time: on any failure the cached state stays as it was."""
        account = await self.accounts.find(merchant_id)
        if account is None:
            return
        try:
            async with asyncio.timeout(self.settings.return_sync_timeout_seconds):
                await self.accounts.sync(account.stripe_account_id)
        except (TimeoutError, GangwayError) as exc:
            logger.warning(
                "onboarding.return.sync_failed",
                extra={"merchant_id": merchant_id, "error_type": type(exc).__name__},
            )
