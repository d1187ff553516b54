"""The ``gangway`` command: operator tasks against the configured database and Stripe.

    gangway setup-webhook            create the v2 event destination; prints its signing secret
    gangway sync-account ACCT|EMAIL  re-read one connected account from Stripe now
    gangway replay-events [ID ...]   re-queue dead-lettered inbox events
    gangway reconcile                run one reconciler sweep now

Settings come from the environment (``GANGWAY_*``) like the app's; with no Stripe key the
bundled emulator is used.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from gangway.container import Services, open_services
from gangway.core.config import Settings
from gangway.core.errors import GangwayError
from gangway.core.logging import configure_logging

logger = logging.getLogger("gangway.cli")

WEBHOOK_PATH = "/webhooks/stripe"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gangway", description="Gangway operator commands.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    setup = commands.add_parser(
        "setup-webhook",
        help="create the Stripe event destination for /webhooks/stripe and print its secret",
    )
    setup.add_argument("--name", default="gangway", help="the destination's name at Stripe")
    sync = commands.add_parser("sync-account", help="re-read one connected account from Stripe")
    sync.add_argument("account", help="a Stripe account id (acct_...) or a merchant's email")
    replay = commands.add_parser("replay-events", help="re-queue dead-lettered inbox events")
    replay.add_argument("event_ids", nargs="*", help="only these events (default: all dead)")
    commands.add_parser("reconcile", help="run one reconciler sweep now")
    return parser


async def run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Run one parsed command; the process exit status."""
    # The same services as the app's (changes are announced through the change feed, NOTIFY
    # on PostgreSQL, so status streams held by running app processes see them), minus the
    # background workers.
    async with open_services(settings) as services:
        try:
            return await _command(args, services, out)
        except GangwayError as exc:
            print(f"{exc.title}: {exc.detail or ''}".rstrip(": "), file=sys.stderr)
            return 2


async def _command(args: argparse.Namespace, services: Services, out: TextIO) -> int:
    if args.command == "setup-webhook":
        url = services.settings.public_url(WEBHOOK_PATH)
        destination_id, secret = await services.stripe.create_event_destination(
            url=url, name=args.name
        )
        print(f"Created event destination {destination_id} for {url}", file=out)
        print("Add its signing secret to GANGWAY_STRIPE_WEBHOOK_SECRETS:", file=out)
        print(secret, file=out)
        return 0
    if args.command == "sync-account":
        account_id = await _resolve_account(services, args.account)
        if account_id is None:
            print(f"No connected account matches {args.account!r}.", file=sys.stderr)
            return 1
        result = await services.accounts.sync(account_id)
        state = "changed" if result.changed else "unchanged"
        print(f"Synced {account_id}: {state}, status version {result.version}", file=out)
        return 0
    if args.command == "replay-events":
        count = await services.webhooks.replay_dead(args.event_ids or None)
        print(f"Re-queued {count} dead-lettered event(s).", file=out)
        return 0
    if args.command == "reconcile":
        sweep = await services.reconciler.sweep()
        if not sweep.ran:
            print("Another sweep is running; nothing done.", file=out)
            return 0
        print(
            f"Listed {sweep.events_listed} event(s), queued {sweep.events_added} new; "
            f"synced {sweep.accounts_synced} account(s), {sweep.accounts_failed} failed.",
            file=out,
        )
        return 0
    raise AssertionError(f"unknown command {args.command}")


async def _resolve_account(services: Services, value: str) -> str | None:
    """A Stripe account id, given one or a merchant's email."""
    if "@" not in value:
        return value if await services.accounts.is_known(value) else None
    merchant = await services.auth.merchant_by_email(value)
    if merchant is None:
        return None
    account = await services.accounts.find(merchant.id)
    return account.stripe_account_id if account else None


def main(
    argv: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    out: TextIO | None = None,
) -> int:
    """Entry point of the ``gangway`` console script."""
    args = _parser().parse_args(argv)
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_format)
    return asyncio.run(run(args, settings, out or sys.stdout))


if __name__ == "__main__":
    sys.exit(main())
