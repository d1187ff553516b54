"""``OnboardingServiceDep``: this process's onboarding service (built in ``gangway.container``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gangway.onboarding.service import OnboardingService


async def get_onboarding_service(request: Request) -> OnboardingService:
    service: OnboardingService = request.app.state.services.onboarding
    return service


OnboardingServiceDep = Annotated[OnboardingService, Depends(get_onboarding_service)]
