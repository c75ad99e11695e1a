"""Shared fixtures: where the real documents are, and how to skip without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REALDOCS = SHARED / "realdocs"
REQUIRE_SERVICES = os.environ.get("GKAUDIT_REQUIRE_SERVICES") == "1"
# CI sets it: the real-document tests must run, not skip, so a missing ../shared fails the run.
REQUIRE_SHARED = os.environ.get("GKAUDIT_REQUIRE_SHARED") == "1"
# Headless Chromium as root on a machine with no network but loopback.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or a clean skip when ../shared is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is not beside this checkout)")
    return path


def seed_path(prefix: str) -> Path:
    if not SEEDS.exists():
        pytest.skip("../shared/seeds not present")
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"no seed {prefix}")
    return matches[0]


# ---- tiers -----------------------------------------------------------------------------------
# Each test is marked by what it needs, read off its module (``pytest -m "not slow"`` for a quick run,
# ``-m realdocs`` for the real documents alone); ``make test`` runs every tier.
#   services: real Redis, PostgreSQL or RabbitMQ (the module uses tests.services)
#   browser:  headless Chromium (the module uses CHROMIUM_FLAGS)
#   realdocs: documents under ../shared (the module names one of its folders or helpers)
#   slow:     modules whose tests together take more than about 20 s here (measured, listed)
TIER_NAMES: dict[str, tuple[str, ...]] = {
    "browser": ("CHROMIUM_FLAGS",),
    "realdocs": ("SHARED", "SEEDS", "REALDOCS", "REALDEV", "shared_path", "seed_path", "SHARED_DIR"),
}
SERVICES_MODULE = "tests.services"
SLOW_MODULES = frozenset(
    {
        "test_audit_embedded",
        "test_audit_services",
        "test_batches",
        "test_faults_embedded",
        "test_faults_services",
        "test_api_schema",
    }
)


def tiers_of(module: object) -> set[str]:
    names = vars(module)
    tiers = {tier for tier, signs in TIER_NAMES.items() if any(sign in names for sign in signs)}
    if any(getattr(value, "__module__", None) == SERVICES_MODULE or value is _services() for value in names.values()):
        tiers.add("services")
    if getattr(module, "__name__", "").rpartition(".")[2] in SLOW_MODULES:
        tiers.add("slow")
    return tiers


def _services() -> object:
    import sys

    return sys.modules.get(SERVICES_MODULE)


def pytest_configure(config: pytest.Config) -> None:
    for tier, what in (
        ("services", "needs a real Redis, PostgreSQL or RabbitMQ"),
        ("browser", "needs headless Chromium"),
        ("realdocs", "reads the real documents under ../shared"),
        ("slow", "part of a module that takes more than about 20 s"),
    ):
        config.addinivalue_line("markers", f"{tier}: {what}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    by_module: dict[object, set[str]] = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        if module not in by_module:
            by_module[module] = tiers_of(module)
        for tier in sorted(by_module[module]):
            item.add_marker(tier)


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_SHARED and not SHARED.is_dir():
        raise pytest.UsageError(f"GKAUDIT_REQUIRE_SHARED=1 but {SHARED} is absent: the real-document tests cannot run")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With GKAUDIT_REQUIRE_SHARED=1, a real-document test that skips (a file of ../shared missing) fails."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SHARED and report.skipped and item.get_closest_marker("realdocs") and _skipped_for_shared(report):
        report.outcome = "failed"
        report.longrepr = f"GKAUDIT_REQUIRE_SHARED=1: skipped for want of ../shared: {report.longrepr}"


def _skipped_for_shared(report: pytest.TestReport) -> bool:
    return "shared" in str(report.longrepr)
