"""``/api/account``: the signed-in merchant's own connected account (no id is ever accepted)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from gangway.accounts.dependencies import AccountServiceDep
from gangway.accounts.models import ConnectedAccount
from gangway.accounts.schemas import AccountCreate, AccountPublic, DashboardLink
from gangway.auth.dependencies import ApiRoute, CurrentMerchant
from gangway.core.errors import problem_responses

router = APIRouter(prefix="/api/account", tags=["account"], route_class=ApiRoute)


def _public(account: ConnectedAccount) -> AccountPublic:
    return AccountPublic(
        id=account.stripe_account_id,
        country=account.country,
        business_type=account.business_type,
        dashboard=account.dashboard,
        created_at=account.created_at,
    )


@router.post(
    "",
    name="create_account",
    summary="Create your connected account (idempotent)",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountPublic,
    responses={
        200: {"model": AccountPublic, "description": "It already existed"},
        **problem_responses(409, 422, 429, 502, 503),
    },
)
async def create_account(
    body: AccountCreate, merchant: CurrentMerchant, service: AccountServiceDep, response: Response
) -> AccountPublic:
    """Create the merchant's Stripe account once; later calls return the same account (200)."""
    account, created = await service.create(merchant, body.country, body.business_type)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _public(account)


@router.get(
    "",
    name="get_account",
    summary="Your connected account",
    response_model=AccountPublic,
    responses=problem_responses(404),
)
async def get_account(merchant: CurrentMerchant, service: AccountServiceDep) -> AccountPublic:
    return _public(await service.get(merchant.id))


@router.post(
    "/dashboard-link",
    name="create_dashboard_link",
    summary="A single-use login link to your Express dashboard",
    status_code=status.HTTP_201_CREATED,
    response_model=DashboardLink,
    responses=problem_responses(404, 409, 429, 502, 503),
)
async def create_dashboard_link(
    merchant: CurrentMerchant, service: AccountServiceDep, response: Response
) -> DashboardLink:
    """For `dashboard: express` accounts only (others get 409 saying why). Navigate to `url`
    at once: it works once, for a few minutes, and is never stored."""
    response.headers["Cache-Control"] = "no-store"
    return DashboardLink(url=await service.dashboard_link(merchant.id))
