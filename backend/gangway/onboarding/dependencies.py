"""``OnboardingServiceDep``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gangway.accounts.dependencies import AccountServiceDep
from gangway.core.deps import DatabaseDep, SettingsDep, StripeDep
from gangway.onboarding.service import OnboardingService


async def get_onboarding_service(
    db: DatabaseDep, settings: SettingsDep, stripe: StripeDep, accounts: AccountServiceDep
) -> OnboardingService:
    return OnboardingService(db=db, settings=settings, stripe=stripe, accounts=accounts)


OnboardingServiceDep = Annotated[OnboardingService, Depends(get_onboarding_service)]
