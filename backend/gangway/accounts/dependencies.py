"""``AccountServiceDep``: the account service wired to this app's database, Stripe and hub."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gangway.accounts.service import AccountService
from gangway.core.deps import DatabaseDep, StatusHubDep, StripeDep


async def get_account_service(
    db: DatabaseDep, stripe: StripeDep, hub: StatusHubDep
) -> AccountService:
    return AccountService(db=db, stripe=stripe, announce=hub.announce)


AccountServiceDep = Annotated[AccountService, Depends(get_account_service)]
