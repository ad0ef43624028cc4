"""Whether customers agreed to be archived, asked of WeCom for those the archive has not told us about.

A customer's agree or disagree message arrives in the archive itself (``pull._apply``); a refusal made
before the archive was switched on does not, so customers seen in conversations without an answer on
record are asked (``msgaudit/check_single_agree``, doc 91782: up to 100 (member, customer) pairs a call,
with the archive Secret's token). ``Default_Agree`` (never asked) is recorded as agreed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from sidebar.archive.pull import consent
from sidebar.extensions import db
from sidebar.models import ArchiveConsent, ArchiveMessage
from sidebar.wecom.errors import WeComError
from sidebar.wecom.gateway import gateway

PER_CALL = 100


def check_unknown(*, most: int = 500) -> int:
    """Ask about up to ``most`` customers with no answer on record; returns how many were recorded.
    Flushes; the caller commits. WeCom not answering leaves them for the next run."""
    pairs = db.session.execute(
        select(ArchiveMessage.customer_userid, func.min(ArchiveMessage.staff_userid))
        .where(
            ArchiveMessage.customer_userid.is_not(None),
            ArchiveMessage.staff_userid.is_not(None),
            ArchiveMessage.customer_userid.not_in(select(ArchiveConsent.external_userid)),
        )
        .group_by(ArchiveMessage.customer_userid)
        .limit(most)
    ).all()
    recorded = 0
    for start in range(0, len(pairs), PER_CALL):
        chunk = pairs[start : start + PER_CALL]
        try:
            answer = gateway().archive_client.post(
                "msgaudit/check_single_agree",
                data={"info": [{"userid": staff, "exteranalopenid": ext} for ext, staff in chunk]},
            )
        except WeComError:
            break
        for item in answer.get("agreeinfo") or []:
            ext = str(item.get("exteranalopenid") or "")
            if not ext:
                continue
            changed = int(item.get("status_change_time") or 0)
            consent(ext, agreed=item.get("agree_status") != "Disagree",
                    at=datetime.fromtimestamp(changed, UTC))  # fmt: skip
            recorded += 1
    db.session.flush()
    return recorded
