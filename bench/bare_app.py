"""The yardstick: a bare FastAPI app (``async def`` returning a small dict), served by the same
uvicorn as Gangway in ``make bench``."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/status")
async def status() -> dict[str, object]:
    return {"state": "complete", "version": 1}


@app.post("/webhooks/stripe")
async def webhook() -> dict[str, object]:
    return {"duplicate": False}
