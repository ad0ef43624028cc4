"""Channel live codes by their ``state``: what a customer's source is called. A state no code of ours
carries (a code made elsewhere, or retired and deleted) is shown as it is."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from sidebar.extensions import db
from sidebar.models import ChannelCode


def names(states: Iterable[str | None]) -> dict[str, str]:
    """state → the code's name, for the states that have a code (one query)."""
    wanted = sorted({s for s in states if s})
    if not wanted:
        return {}
    rows = db.session.execute(
        select(ChannelCode.state, ChannelCode.name).where(ChannelCode.state.in_(wanted))
    )
    return {state: name for state, name in rows}


def name_for(state: str | None) -> str | None:
    """The code's name, or the raw state when no code of ours carries it; None without a state."""
    if not state:
        return None
    return names([state]).get(state, state)


def all_codes() -> list[ChannelCode]:
    return list(
        db.session.scalars(select(ChannelCode).order_by(ChannelCode.retired_at.is_not(None), ChannelCode.id))
    )
