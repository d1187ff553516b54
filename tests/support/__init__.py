"""Test support shared by the suites. Fixtures live in ``tests/conftest.py``; helpers live here.

- ``api``: drive the BFF like the SPA (``make_client``, ``csrf_token``, ``post``, ``signup``).
- ``settings``: ``BASE_URL``, ``FAST_ARGON2`` and the fixture factory types.
- ``database``: ``TestDatabase`` and ``POSTGRES_URL`` (which database the suite runs on).
- ``net``: ``reserve_socket``, the one free-port helper.
- ``emulator_server``: the Stripe emulator over real HTTP, with contract checks; a receiver.
- ``bff_server``: the BFF over real HTTP, in a thread or in a killable child process.
- ``webhooks``: secrets, signed thin notifications, ``FAST_INBOX`` and inbox reads.
- ``polling``: ``eventually``. ``sse``: a status stream reader.
- ``account_state``: the cached status and the emulator's account in one normal form.
- ``contract``: Stripe's v2 contract extract. ``hosted``: the emulator's hosted form.
"""
