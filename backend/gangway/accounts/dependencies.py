"""``AccountServiceDep``: this process's account service (built in ``gangway.container``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gangway.accounts.service import AccountService


async def get_account_service(request: Request) -> AccountService:
    service: AccountService = request.app.state.services.accounts
    return service


AccountServiceDep = Annotated[AccountService, Depends(get_account_service)]
