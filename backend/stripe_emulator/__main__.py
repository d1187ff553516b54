"""``python -m stripe_emulator``: run the emulator with uvicorn."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

import uvicorn

from stripe_emulator.app import create_app
from stripe_emulator.config import FRESH_ACCOUNT_SHAPES, EmulatorConfig


def _env(name: str) -> str | None:
    value = os.environ.get(f"STRIPE_EMULATOR_{name}")
    return value if value else None


def parse_args(argv: Sequence[str] | None = None) -> EmulatorConfig:
    defaults = EmulatorConfig()
    parser = argparse.ArgumentParser(
        prog="python -m stripe_emulator",
        description="Stateful emulator of Stripe's v2 core APIs (accounts, account links, events). "
        "Every option can also be set with the STRIPE_EMULATOR_<OPTION> environment variable.",
    )
    parser.add_argument("--host", default=_env("HOST") or defaults.host)
    parser.add_argument("--port", type=int, default=int(_env("PORT") or defaults.port))
    parser.add_argument(
        "--public-url",
        default=_env("PUBLIC_URL"),
        help="base URL used in Account Link URLs (default http://HOST:PORT)",
    )
    parser.add_argument(
        "--state-file", default=_env("STATE_FILE"), help="persist state to this JSON file"
    )
    parser.add_argument(
        "--webhook-url",
        default=_env("WEBHOOK_URL"),
        help="pre-register a thin-event webhook destination at this URL",
    )
    parser.add_argument(
        "--webhook-secret",
        default=_env("WEBHOOK_SECRET"),
        help="signing secret (whsec_...) of the pre-registered destination",
    )
    parser.add_argument(
        "--link-ttl",
        type=float,
        default=float(_env("LINK_TTL") or defaults.link_ttl),
        help="Account Link lifetime in seconds",
    )
    parser.add_argument(
        "--verification-delay",
        type=float,
        default=float(_env("VERIFICATION_DELAY") or defaults.verification_delay),
        help="seconds 'Stripe verification' takes",
    )
    parser.add_argument(
        "--delivery-backoff",
        type=float,
        default=float(_env("DELIVERY_BACKOFF") or defaults.delivery_backoff),
        help="first webhook retry delay in seconds (doubles per attempt)",
    )
    parser.add_argument(
        "--fresh-accounts",
        choices=FRESH_ACCOUNT_SHAPES,
        default=_env("FRESH_ACCOUNTS") or defaults.fresh_accounts,
        help="how a new account reports requirements before anything is submitted: "
        "past_due (what Stripe reports, the default) or currently_due (the older model)",
    )
    args = parser.parse_args(argv)
    if args.webhook_secret and not args.webhook_url:
        parser.error("--webhook-secret needs --webhook-url")
    if args.webhook_secret and not args.webhook_secret.startswith("whsec_"):
        parser.error("--webhook-secret must start with whsec_")
    if args.fresh_accounts not in FRESH_ACCOUNT_SHAPES:
        parser.error(f"--fresh-accounts must be one of {', '.join(FRESH_ACCOUNT_SHAPES)}")
    return EmulatorConfig(
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        state_file=args.state_file,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        link_ttl=args.link_ttl,
        verification_delay=args.verification_delay,
        delivery_backoff=args.delivery_backoff,
        fresh_accounts=args.fresh_accounts,
    )


def main(argv: Sequence[str] | None = None) -> None:
    config = parse_args(argv)
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="info")


if __name__ == "__main__":
    main()
