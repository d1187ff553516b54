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
        derived = req.compute(record, self.now(), self.config)
        top = {
            k: v
            for k, v in record.items()
            if k not in ("_emu", "identity", "defaults", "configuration")
        }
        configuration = record.get("configuration") or {}
        merchant = {
            k: v for k, v in (configuration.get("merchant") or {}).items() if k != "capabilities"
        }
        return copy.deepcopy(
            {
                "top": top,
                "identity": record.get("identity"),
                "defaults": record.get("defaults"),
                "merchant": merchant,
                "customer": configuration.get("customer"),
                "recipient": configuration.get("recipient"),
                "requested": req.requested_capabilities(record),
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
        acct = record["id"]

        def emit(type_: str, key: str, data: dict[str, Any] | None = None) -> None:
            self.record_event(
                type_,
                account_id=acct,
                data=data,
                reason=reason,
                changes={"before": {key: before.get(key)}, "after": {key: after.get(key)}},
            )

        changed = {k for k in after if before.get(k) != after.get(k)}
        if changed & {
            "top",
            "identity",
            "defaults",
            "merchant",
            "customer",
            "recipient",
            "requested",
        }:
            self.record_event(
                "v2.core.account.updated",
                account_id=acct,
                reason=reason,
                changes={
                    "before": {
                        k: before.get(k)
                        for k in sorted(changed)
                        if k not in ("requirements", "future_requirements")
                    },
                    "after": {
                        k: after.get(k)
                        for k in sorted(changed)
                        if k not in ("requirements", "future_requirements")
                    },
                },
            )
        if "identity" in changed:
            emit("v2.core.account[identity].updated", "identity")
        if "defaults" in changed:
            emit("v2.core.account[defaults].updated", "defaults")
        if changed & {"merchant", "requested"}:
            emit("v2.core.account[configuration.merchant].updated", "merchant")
        for name in ("customer", "recipient"):
            if name in changed:
                emit(f"v2.core.account[configuration.{name}].updated", name)
        if "requirements" in changed:
            emit("v2.core.account[requirements].updated", "requirements")
        if "future_requirements" in changed:
            emit("v2.core.account[future_requirements].updated", "future_requirements")
        caps_before: dict[str, Any] = before.get("capabilities") or {}
        for cap, value in after["capabilities"].items():
            if caps_before.get(cap) != value:
                self.record_event(
                    "v2.core.account[configuration.merchant].capability_status_updated",
                    account_id=acct,
                    reason=reason,
                    data={"updated_capability": cap},
                    changes={
                        "before": {"capabilities": {cap: caps_before.get(cap)}},
                        "after": {"capabilities": {cap: value}},
                    },
                )
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
        rendered_config: dict[str, Any] = {}
        for name in ("customer", "merchant", "recipient"):
            if f"configuration.{name}" not in include:
                continue
            conf = configuration.get(name)
            if conf is None:
                rendered_config[name] = None
                continue
            conf = dict(conf)
            conf["applied"] = True
            if name == "merchant":
                nested: dict[str, Any] = {}
                for cap, value in derived.capabilities.items():
                    req.set_path(nested, cap, value)
                conf["capabilities"] = nested
            rendered_config[name] = conf
        body["configuration"] = rendered_config or None
        body["identity"] = body.get("identity") if "identity" in include else None
        body["defaults"] = body.get("defaults") if "defaults" in include else None
        body["requirements"] = derived.requirements if "requirements" in include else None
        body["future_requirements"] = (
            derived.future_requirements if "future_requirements" in include else None
        )
        return body
