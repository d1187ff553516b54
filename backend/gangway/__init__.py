"""Gangway: a backend-for-frontend that onboards a platform's merchants onto Stripe Connect."""
