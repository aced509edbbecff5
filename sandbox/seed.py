"""Workspaces, API keys and the demo data every fresh sandbox starts with.

Keys (fixed, documented, printed at start-up):

    iv_live_sandbox_demo       every scope, the "Acme Robotics" demo workspace (paid plan, 1000 credits)
    iv_live_sandbox_readonly   only the .read scopes, same workspace
    iv_live_sandbox_other      every scope, a second workspace ("Globex"), to prove isolation
    iv_live_sandbox_unpaid     every scope, a workspace with no paid plan: scheduling answers 402
    iv_live_sandbox_trial      every scope, a paid workspace with only 2 session credits left

Seeding is idempotent: workspaces and keys are upserted on every start; the demo rows are written once
per database (ids are deterministic UUIDs, so they are the same in every fresh sandbox).
"""

from __future__ import annotations

import secrets
import time
from uuid import NAMESPACE_URL, uuid5

from sandbox.config import SandboxConfig
from sandbox.demo_data import seed_demo_rows
from sandbox.scopes import ALL_SCOPES, READ_SCOPES
from sandbox.store import KeyGrant, Store, Workspace

__all__ = [
    "DEMO_KEY",
    "DEMO_WORKSPACE_ID",
    "OTHER_KEY",
    "OTHER_WORKSPACE_ID",
    "READONLY_KEY",
    "TRIAL_KEY",
    "UNPAID_KEY",
    "WORKSPACES",
    "demo_id",
    "seed",
    "signing_secret",
]

DEMO_KEY = "iv_live_sandbox_demo"
READONLY_KEY = "iv_live_sandbox_readonly"
OTHER_KEY = "iv_live_sandbox_other"
UNPAID_KEY = "iv_live_sandbox_unpaid"
TRIAL_KEY = "iv_live_sandbox_trial"

_NAMESPACE = uuid5(NAMESPACE_URL, "https://sandbox.intervyo-mcp.local/")


def demo_id(name: str) -> str:
    """The deterministic UUID of a seeded row, e.g. `demo_id("template:backend")`."""
    return str(uuid5(_NAMESPACE, name))


DEMO_WORKSPACE_ID = demo_id("workspace:demo")
OTHER_WORKSPACE_ID = demo_id("workspace:other")

# Workspace name used in config (ApiKeySpec.workspace) -> the workspace row.
WORKSPACES: dict[str, Workspace] = {
    "demo": Workspace(DEMO_WORKSPACE_ID, "Acme Robotics (demo)", "growth", 1000),
    "other": Workspace(OTHER_WORKSPACE_ID, "Globex (second workspace)", "growth", 1000),
    "unpaid": Workspace(demo_id("workspace:unpaid"), "Initech (no paid plan)", None, 0),
    "trial": Workspace(demo_id("workspace:trial"), "Hooli (2 credits left)", "starter", 2),
}

_KEYS = (
    KeyGrant(DEMO_KEY, DEMO_WORKSPACE_ID, ALL_SCOPES),
    KeyGrant(READONLY_KEY, DEMO_WORKSPACE_ID, READ_SCOPES),
    KeyGrant(OTHER_KEY, OTHER_WORKSPACE_ID, ALL_SCOPES),
    KeyGrant(UNPAID_KEY, WORKSPACES["unpaid"].id, ALL_SCOPES),
    KeyGrant(TRIAL_KEY, WORKSPACES["trial"].id, ALL_SCOPES),
)

_SEEDED = "demo_seeded"
_SECRET = "signing_secret"


def seed(store: Store, config: SandboxConfig) -> None:
    """Upsert workspaces and keys (the fixed ones and `config.extra_keys`); write the demo rows once."""
    with store.atomic():
        for workspace in WORKSPACES.values():
            store.put_workspace(workspace)
        for grant in _KEYS:
            store.put_key(grant)
        for spec in config.extra_keys:
            if spec.workspace not in WORKSPACES:
                raise ValueError(f"unknown workspace {spec.workspace!r} for key {spec.key!r}")
            store.put_key(KeyGrant(spec.key, WORKSPACES[spec.workspace].id, spec.scopes))
    if config.seed_demo and store.get_meta(_SEEDED) is None:
        seed_demo_rows(
            store, config, demo_id, demo_workspace=DEMO_WORKSPACE_ID, other_workspace=OTHER_WORKSPACE_ID
        )
        store.set_meta(_SEEDED, str(int(time.time())))


def signing_secret(store: Store) -> bytes:
    """The database's secret for signed links, created on first use."""
    with store.atomic():
        secret = store.get_meta(_SECRET)
        if secret is None:
            secret = secrets.token_hex(32)
            store.set_meta(_SECRET, secret)
    return bytes.fromhex(secret)
