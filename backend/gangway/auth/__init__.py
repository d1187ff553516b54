"""Merchant accounts, server-side sessions, CSRF protection and sign-in throttling."""
