"""Stripe webhooks: a signature-verified endpoint, a durable inbox, its workers and the reconciler.

A verified thin event is written to the inbox (keyed by event id) in one short transaction and
acknowledged at once; inbox workers later re-read the account from Stripe and apply the snapshot.
The reconciler re-syncs stale accounts and catches up on events the endpoint missed.
"""
