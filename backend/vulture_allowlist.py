"""Names vulture cannot see used: read by a framework, by the database, or by people.

Reviewed by hand; `make lint` runs vulture over gangway and stripe_emulator with this file.
Each entry says who reads the name.
"""

# ruff: noqa: B018

import logging

from vulture.whitelist_utils import Whitelist

from gangway.accounts.models import ConnectedAccount
from gangway.core.db import UTCDateTime
from gangway.core.logging import ConsoleFormatter
from gangway.onboarding.schemas import CapabilityPublic, EmbeddedComponents, RequirementGroups
from gangway.stripe_gateway.schemas import RequirementEntry
from gangway.webhooks.models import InboxEvent, SyncState

_ = Whitelist()

# SQLAlchemy's TypeDecorator protocol.
UTCDateTime.impl
UTCDateTime.cache_ok
UTCDateTime.process_bind_param
UTCDateTime.process_result_value
# logging.Formatter calls formatException for every record with exc_info.
ConsoleFormatter.formatException
# traceback.TracebackException renders its message from _str (safe_traceback rewrites it).
_._str
# sqlite3 connection attribute set for explicit BEGINs (core.db._configure_sqlite).
_.isolation_level
# Response fields: read by the SPA and API clients through openapi.json.
RequirementGroups.currently_due
RequirementGroups.eventually_due
RequirementGroups.awaiting_stripe
CapabilityPublic.status_label
CapabilityPublic.explanation
EmbeddedComponents.account_onboarding
EmbeddedComponents.account_management
EmbeddedComponents.notification_banner
# Columns kept for operators and queries in SQL (psql, dashboards), written by the services.
ConnectedAccount.minimum_deadline_status
InboxEvent.completions
InboxEvent.last_error
SyncState.swept_at
# Part of Stripe's typed requirement entry; parsed so the snapshot mirrors Stripe's shape.
RequirementEntry.requested_reasons
# The logging module's own switches, read by logging.Logger when it makes a record.
logging._srcfile
logging.logThreads
logging.logProcesses
logging.logMultiprocessing
