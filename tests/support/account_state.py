"""Compare the BFF's cached status with the emulator's account, in one normal form."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from gangway.accounts.models import AccountCapability, AccountRequirement, ConnectedAccount
from gangway.core.db import Database
from gangway.onboarding.models import LinkAudit
from tests.support.emulator_server import EmulatorHandle

Normal = dict[str, Any]


def _entries(group: dict[str, Any] | None) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return sorted(
        (
            entry["description"],
            ((entry.get("minimum_deadline") or {}).get("status")) or "eventually_due",
            entry.get("awaiting_action_from") or "user",
            tuple(sorted(e["code"] for e in entry.get("errors") or [])),
        )
        for entry in (group or {}).get("entries") or []
    )


async def emulator_state(emulator: EmulatorHandle, account_id: str) -> Normal:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{emulator.base_url}/_emulator/accounts/{account_id}")
    response.raise_for_status()
    account = response.json()["account"]
    caps = ((account.get("configuration") or {}).get("merchant") or {}).get("capabilities") or {}
    capabilities = {}
    if card := caps.get("card_payments"):
        capabilities["card_payments"] = card["status"]
    if payouts := (caps.get("stripe_balance") or {}).get("payouts"):
        capabilities["payouts"] = payouts["status"]
    return {
        "current": _entries(account.get("requirements")),
        "future": _entries(account.get("future_requirements")),
        "capabilities": capabilities,
    }


async def cached_state(db: Database, account_id: str) -> Normal:
    async with db.read() as session:
        account = (
            await session.execute(
                sa.select(ConnectedAccount).where(ConnectedAccount.stripe_account_id == account_id)
            )
        ).scalar_one()
        rows = (
            (
                await session.execute(
                    sa.select(AccountRequirement).where(AccountRequirement.account_id == account.id)
                )
            )
            .scalars()
            .all()
        )
        caps = (
            (
                await session.execute(
                    sa.select(AccountCapability).where(AccountCapability.account_id == account.id)
                )
            )
            .scalars()
            .all()
        )

    def entries(kind: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return sorted(
            (
                r.description,
                r.deadline_status,
                r.awaiting_action_from,
                tuple(sorted(e["code"] for e in r.errors)),
            )
            for r in rows
            if r.kind == kind
        )

    return {
        "current": entries("current"),
        "future": entries("future"),
        "capabilities": {c.name: c.status for c in caps},
    }


async def account_event_ids(emulator: EmulatorHandle, account_id: str) -> list[str]:
    """Every event the emulator recorded for ``account_id``, oldest first."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(
            f"{emulator.base_url}/v2/core/events",
            params={"object_id": account_id, "limit": 100},
            headers=emulator.auth_headers,
        )
    response.raise_for_status()
    return [event["id"] for event in reversed(response.json()["data"])]


async def audit_rows(db: Database) -> list[LinkAudit]:
    """Every link's audit row, oldest first."""
    async with db.read() as session:
        return list((await session.scalars(sa.select(LinkAudit).order_by(LinkAudit.id))).all())
