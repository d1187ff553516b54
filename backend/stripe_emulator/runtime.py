"""The emulator's runtime object (lives on ``app.state.emulator``): state, clock, event log."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from stripe_emulator import requirements as req
from stripe_emulator.clock import Clock, rfc3339
from stripe_emulator.config import EmulatorConfig
from stripe_emulator.events import ACCOUNT_EVENT_TYPES, enqueue_deliveries
from stripe_emulator.store import State, Store, new_id

INCLUDABLE = (
    "configuration.customer",
    "configuration.merchant",
    "configuration.recipient",
    "defaults",
    "future_requirements",
    "identity",
    "requirements",
)


class Emulator:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.store = Store(config.state_file)
        self.clock = Clock(self.store.state.clock_offset)
        #: the shape of accounts created from now on (``POST /_emulator/settings`` changes it)
        self.fresh_accounts = config.fresh_accounts
        self.wakeup = asyncio.Event()
        self.register_configured_destination()

    @property
    def state(self) -> State:
        return self.store.state

    @property
    def lock(self) -> asyncio.Lock:
        return self.store.lock

    def now(self) -> float:
        return self.clock.time()

    def wake_worker(self) -> None:
        self.wakeup.set()

    def persist(self) -> None:
        self.state.clock_offset = self.clock.offset
        self.store.save()

    def reset(self) -> None:
        self.store.reset()
        self.clock.offset = 0.0
        self.fresh_accounts = self.config.fresh_accounts
        self.register_configured_destination()
        self.persist()

    # ------------------------------------------------------------------ destinations

    def register_configured_destination(self) -> None:
        url, secret = self.config.webhook_url, self.config.webhook_secret
        if not url:
            return
        if any(d["webhook_endpoint"]["url"] == url for d in self.state.destinations.values()):
            return
        self.create_destination(
            name="stripe-emulator --webhook-url",
            url=url,
            enabled_events=list(dict.fromkeys([*ACCOUNT_EVENT_TYPES, *self.config.webhook_events])),
            secret=secret,
        )

    def create_destination(
        self,
        *,
        name: str,
        url: str,
        enabled_events: list[str],
        secret: str | None = None,
        description: str = "",
        metadata: dict[str, str] | None = None,
        events_from: list[str] | None = None,
    ) -> dict[str, Any]:
        ts = rfc3339(self.now())
        dest: dict[str, Any] = {
            "id": new_id("ed_test_", 24),
            "object": "v2.core.event_destination",
            "amazon_eventbridge": None,
            "azure_event_grid": None,
            "created": ts,
            "description": description,
            "enabled_events": enabled_events,
            "event_payload": "thin",
            "events_from": events_from,
            "livemode": False,
            "metadata": metadata or {},
            "name": name,
            "snapshot_api_version": None,
            "status": "enabled",
            "status_details": None,
            "type": "webhook_endpoint",
            "updated": ts,
            "webhook_endpoint": {"signing_secret": None, "url": url},
            "signing_secret": secret or new_id("whsec_", 32),
        }
        self.state.destinations[dest["id"]] = dest
        return dest

    @staticmethod
    def render_destination(dest: dict[str, Any], include: list[str]) -> dict[str, Any]:
        body = {k: copy.deepcopy(v) for k, v in dest.items() if k != "signing_secret"}
        body["webhook_endpoint"] = {
            "signing_secret": dest["signing_secret"]
            if "webhook_endpoint.signing_secret" in include
            else None,
            "url": dest["webhook_endpoint"]["url"] if "webhook_endpoint.url" in include else None,
        }
        return body

    # ------------------------------------------------------------------ events

    def event_by_id(self, event_id: str) -> dict[str, Any] | None:
        for event in self.state.events:
            if event["id"] == event_id:
                return event
        return None

    def record_event(
        self,
        type_: str,
        *,
        account_id: str | None = None,
        data: dict[str, Any] | None = None,
        changes: dict[str, Any] | None = None,
        reason: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        ts = max(self.now(), self.state.last_event_ts + 0.001)
        self.state.last_event_ts = ts
        event: dict[str, Any] = {
            "id": new_id("evt_test_", 40),
            "object": "v2.core.event",
            "type": type_,
            "created": rfc3339(ts),
            "livemode": False,
            "changes": changes if changes is not None else {},
            "data": data if data is not None else {},
        }
        if reason is not None:
            event["reason"] = reason
        if account_id is not None and type_ != "v2.core.account_link.returned":
            event["related_object"] = {
                "id": account_id,
                "type": "v2.core.account",
                "url": f"/v2/core/accounts/{account_id}",
            }
        event["_object_id"] = account_id
        self.state.events.append(event)
        enqueue_deliveries(self, event)
        return event

    # ------------------------------------------------------------------ accounts

    def snapshot(self, record: dict[str, Any]) -> dict[str, Any]:
        """What events are computed from: the account split the way its event types are."""
        derived = req.compute(record, self.now(), self.config)
        top = {
            k: v
            for k, v in record.items()
            if k not in ("_emu", "identity", "defaults", "configuration")
        }
        configuration = record.get("configuration") or {}
        return copy.deepcopy(
            {
                "top": top,
                "identity": record.get("identity"),
                "defaults": record.get("defaults"),
                "merchant": _without_capabilities(configuration.get("merchant")),
                "customer": configuration.get("customer"),
                "recipient": _without_capabilities(configuration.get("recipient")),
                "requested": {
                    name: req.requested_capabilities(record, name)
                    for name in req.CONFIGURATIONS_WITH_CAPABILITIES
                },
                "requirements": derived.requirements,
                "future_requirements": derived.future_requirements,
                "capabilities": derived.capabilities,
            }
        )

    def refresh(self, record: dict[str, Any], reason: dict[str, Any] | None = None) -> bool:
        """Settle time-driven transitions and emit events for everything that changed."""
        req.settle(record, self.now(), self.config)
        after = self.snapshot(record)
        before = record["_emu"].get("snapshot")
        record["_emu"]["snapshot"] = after
        if before is None or before == after:
            return False
        _ChangeEvents(self, record["id"], before, after, reason).emit()
        return True

    def close_account(self, record: dict[str, Any], reason: dict[str, Any] | None = None) -> bool:
        """Close an account (terminal): ``closed: true`` and a ``v2.core.account.closed``."""
        if record.get("closed"):
            return False
        self.refresh(record)
        record["closed"] = True
        self.refresh(record, reason=reason)
        return True

    def tick(self) -> bool:
        changed = False
        for record in self.state.accounts.values():
            changed = self.refresh(record) or changed
        for link in self.state.links.values():
            if not link.get("expired") and self.now() >= link["_expires_ts"]:
                link["expired"] = True
                changed = True
        if changed:
            self.persist()
        return changed

    def render_account(self, record: dict[str, Any], include: list[str]) -> dict[str, Any]:
        body = {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}
        derived = req.compute(record, self.now(), self.config)
        configuration: dict[str, Any] = body.pop("configuration", None) or {}
        rendered_config = {
            name: _render_configuration(configuration.get(name), derived.capabilities.get(name))
            for name in ("customer", "merchant", "recipient")
            if f"configuration.{name}" in include
        }
        body["configuration"] = rendered_config or None
        body["identity"] = body.get("identity") if "identity" in include else None
        body["defaults"] = body.get("defaults") if "defaults" in include else None
        body["requirements"] = derived.requirements if "requirements" in include else None
        body["future_requirements"] = (
            derived.future_requirements if "future_requirements" in include else None
        )
        return body


def _without_capabilities(conf: dict[str, Any] | None) -> dict[str, Any] | None:
    if conf is None:
        return None
    return {k: v for k, v in conf.items() if k != "capabilities"}


def _render_configuration(
    conf: dict[str, Any] | None, capabilities: dict[str, dict[str, Any]] | None
) -> dict[str, Any] | None:
    """A configuration as the API returns it: ``applied`` and capability statuses (nested)."""
    if conf is None:
        return None
    rendered = dict(conf)
    rendered["applied"] = True
    if capabilities is not None:
        nested: dict[str, Any] = {}
        for cap, value in capabilities.items():
            req.set_path(nested, cap, value)
        rendered["capabilities"] = nested
    return rendered


#: snapshot keys whose change is an ``account.updated``, and the configuration events
_ACCOUNT_KEYS = frozenset(
    {"top", "identity", "defaults", "merchant", "customer", "recipient", "requested"}
)
_SECTION_EVENTS = (
    ("identity", "v2.core.account[identity].updated"),
    ("defaults", "v2.core.account[defaults].updated"),
    ("customer", "v2.core.account[configuration.customer].updated"),
    ("requirements", "v2.core.account[requirements].updated"),
    ("future_requirements", "v2.core.account[future_requirements].updated"),
)


class _ChangeEvents:
    """The events one change to an account records, from its snapshots before and after."""

    def __init__(
        self,
        emu: Emulator,
        account_id: str,
        before: dict[str, Any],
        after: dict[str, Any],
        reason: dict[str, Any] | None,
    ) -> None:
        self.emu = emu
        self.account_id = account_id
        self.before = before
        self.after = after
        self.reason = reason
        self.changed = {k for k in after if before.get(k) != after.get(k)}

    def emit(self) -> None:
        self._account()
        for name in req.CONFIGURATIONS_WITH_CAPABILITIES:
            self._configuration(name)
        for key, type_ in _SECTION_EVENTS:
            if key in self.changed:
                self._record(type_, {key: self.before.get(key)}, {key: self.after.get(key)})
        self._capabilities()

    def _record(
        self,
        type_: str,
        before: dict[str, Any],
        after: dict[str, Any],
        data: dict[str, Any] | None = None,
    ) -> None:
        self.emu.record_event(
            type_,
            account_id=self.account_id,
            data=data,
            reason=self.reason,
            changes={"before": before, "after": after},
        )

    def _account(self) -> None:
        """``account.closed`` when it closes; ``account.updated`` for any other change."""
        top_before = self.before.get("top") or {}
        top_after = self.after.get("top") or {}
        closing = bool(top_after.get("closed")) and not top_before.get("closed")
        if closing:
            self._record("v2.core.account.closed", {"closed": False}, {"closed": True})
        keys = sorted(self.changed & _ACCOUNT_KEYS)
        if closing and self._only_closed_changed(top_before, top_after):
            keys.remove("top")
        if keys:
            self._record(
                "v2.core.account.updated",
                {k: self.before.get(k) for k in keys},
                {k: self.after.get(k) for k in keys},
            )

    def _only_closed_changed(self, top_before: dict[str, Any], top_after: dict[str, Any]) -> bool:
        return {k for k in top_after if top_before.get(k) != top_after.get(k)} == {"closed"}

    def _configuration(self, name: str) -> None:
        """``[configuration.<name>].updated`` when its settings or requested capabilities change."""
        requested_before = (self.before.get("requested") or {}).get(name)
        requested_after = (self.after.get("requested") or {}).get(name)
        if name not in self.changed and requested_before == requested_after:
            return
        self._record(
            f"v2.core.account[configuration.{name}].updated",
            {name: self.before.get(name)},
            {name: self.after.get(name)},
        )

    def _capabilities(self) -> None:
        """One ``capability_status_updated`` per capability whose status changed."""
        all_before: dict[str, dict[str, Any]] = self.before.get("capabilities") or {}
        for conf, caps in self.after["capabilities"].items():
            caps_before = all_before.get(conf) or {}
            for cap, value in caps.items():
                if caps_before.get(cap) == value:
                    continue
                self._record(
                    f"v2.core.account[configuration.{conf}].capability_status_updated",
                    {"capabilities": {cap: caps_before.get(cap)}},
                    {"capabilities": {cap: value}},
                    data={"updated_capability": cap},
                )
