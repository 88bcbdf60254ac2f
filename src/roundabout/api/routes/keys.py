"""``/keys``: the API keys (admin), and ``/keys/me``: the key a request is made with."""

from __future__ import annotations

from fastapi import APIRouter

from roundabout.api.answers import ERRORS
from roundabout.api.deps import AdminKey, Key, State
from roundabout.api.responses import KeysAnswer, Me

router = APIRouter(tags=["keys"], responses=ERRORS)


@router.get("/keys", response_model=KeysAnswer)
def get_keys(key: AdminKey, state: State) -> KeysAnswer:
    """Every API key (never a secret): id, name, permissions, created, revoked."""
    return KeysAnswer.model_validate({"keys": state.backend.list_keys()})


@router.get("/keys/me", response_model=Me)
def get_me(key: Key) -> Me:
    """The caller's key: its id, name and permissions, and the ``actor`` the audit log
    records for what it does (``api:<key id>:<key name>``). The dashboard shows it beside
    the decision buttons."""
    return Me(key_id=key.key_id, name=key.name, permissions=list(key.permissions), actor=key.actor)
