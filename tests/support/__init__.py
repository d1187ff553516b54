"""Test support shared by the suites (contract validation, a running Stripe emulator)."""
