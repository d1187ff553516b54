"""The layering the README promises, checked over the real import graph (grimp).

``make lint`` also runs the import-linter contracts in ``backend/pyproject.toml``; these tests
state the two rules a newcomer most needs in plain Python, so a violation fails with a short
message naming the import.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import grimp
import pytest

DOMAINS = ["auth", "accounts", "onboarding", "webhooks", "stripe_gateway", "changes", "ops"]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("gangway", include_external_packages=True)


def test_core_imports_no_domain_and_no_vendor_sdk(graph: grimp.ImportGraph) -> None:
    for target in [f"gangway.{d}" for d in DOMAINS] + ["gangway.container", "stripe"]:
        chains = graph.find_shortest_chains(importer="gangway.core", imported=target)
        assert not chains, f"gangway.core must not import {target}: {sorted(chains)}"


def test_no_import_cycles_between_packages(graph: grimp.ImportGraph) -> None:
    packages = [f"gangway.{d}" for d in [*DOMAINS, "core"]]
    for a, b in itertools.combinations(packages, 2):
        a_to_b = graph.chain_exists(importer=a, imported=b, as_packages=True)
        b_to_a = graph.chain_exists(importer=b, imported=a, as_packages=True)
        assert not (a_to_b and b_to_a), f"{a} and {b} import each other"


def test_every_domain_has_the_same_file_set() -> None:
    root = Path(__file__).resolve().parents[2] / "backend" / "gangway"
    expected = {"endpoints", "service", "repository", "schemas", "models", "dependencies"}
    for domain in ["auth", "accounts", "onboarding", "webhooks"]:
        files = {p.stem for p in (root / domain).glob("*.py")}
        assert expected <= files, f"{domain} lacks {sorted(expected - files)}"
