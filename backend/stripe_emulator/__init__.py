"""A stateful, contract-faithful stand-in for the Stripe v2 core APIs (accounts, account links,
events, event destinations), with Stripe-hosted onboarding pages and signed thin-event delivery,
plus what Connect embedded components need: v1 Account Sessions and Express login links, and a
stand-in for Connect.js (``/connect-js/v1.js``).

Start it with ``python -m stripe_emulator``; embed it with :func:`create_app`.
"""

from stripe_emulator.app import create_app
from stripe_emulator.config import EmulatorConfig

__all__ = ["EmulatorConfig", "create_app"]
