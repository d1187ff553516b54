"""Onboarding: minting Account Links, Stripe's redirects back, and the cached status."""
