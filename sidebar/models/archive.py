"""会话内容存档: every archived message once (by msgid), where the pull has got to, and which customers
agreed or disagreed to being archived."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from sidebar.extensions import Model, db
from sidebar.models.base import UTCDateTime, utcnow

BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class ArchiveMessage(Model):
    """One archived message, as WeCom's archive has it (doc 91774 消息格式), with who it is between.

    No foreign keys: rows are written a page at a time at thousands a second, and refer to members and
    customers by WeCom's ids (a member who left, a customer not yet known here stay readable)."""

    __tablename__ = "archive_messages"
    __table_args__ = (
        # A member's one-to-one conversation with a customer, newest first.
        Index("ix_archive_messages_staff_customer_at", "staff_userid", "customer_userid", "sent_at"),
        # One customer's conversations with every member.
        Index("ix_archive_messages_customer_at", "customer_userid", "sent_at"),
        Index(
            "ix_archive_messages_room_at",
            "room_id",
            "sent_at",
            postgresql_where=text("room_id IS NOT NULL"),
            sqlite_where=text("room_id IS NOT NULL"),
        ),
        # Retention deletes the oldest first.
        Index("ix_archive_messages_sent_at", "sent_at"),
        # Search (``customers.search``'s grams: any text of two characters and more, from the index).
        Index(
            "ix_archive_messages_summary_grams", text("beside_grams(summary)"), postgresql_using="gin"
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    msgid: Mapped[str] = mapped_column(String(128), unique=True)
    action: Mapped[str] = mapped_column(String(16))  # send | recall | switch
    msgtype: Mapped[str] = mapped_column(String(32))
    sender: Mapped[str] = mapped_column(String(128), default="")
    receivers: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of ids
    room_id: Mapped[str | None] = mapped_column(String(128))
    # Who a one-to-one message is between: the member's userid and the customer's external_userid (a
    # group message has its room instead; a message between members has no customer).
    staff_userid: Mapped[str | None] = mapped_column(String(64))
    customer_userid: Mapped[str | None] = mapped_column(String(64))
    from_customer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")  # what a person reads: the text, or [图片] …
    content: Mapped[str] = mapped_column(Text, default="{}")  # the message's own part, as WeCom sent it
    # A media message's file: its key in the file store once fetched, or why it was not.
    sdkfileid: Mapped[str | None] = mapped_column(Text)
    media_key: Mapped[str | None] = mapped_column(String(255))
    media_state: Mapped[str | None] = mapped_column(String(16))  # pending | stored | too_large | failed
    recalled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ArchiveCursor(Model):
    """Where the pull has got to (one row): the last seq stored, and the last problem in words."""

    __tablename__ = "archive_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    stored: Mapped[int] = mapped_column(BigInteger, default=0)  # messages stored, all time
    pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last pull that reached WeCom
    error_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)  # what stopped the pull, in words (None: fine)
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArchiveConsent(Model):
    """A customer's answer to being archived (同意/拒绝会话存档): agree and disagree messages and
    ``msgaudit/check_single_agree``. A customer who disagreed is neither shown nor analysed."""

    __tablename__ = "archive_consents"

    external_userid: Mapped[str] = mapped_column(String(64), primary_key=True)
    agreed: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SensitiveRule(Model):
    """A compliance rule over archived messages (敏感词和敏感行为): a list of words on one side of the
    conversation, or one of the behaviours ``archive.compliance.BEHAVIOURS`` knows."""

    __tablename__ = "sensitive_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # words | behaviour
    side: Mapped[str] = mapped_column(String(16), default="both")  # customer | member | both
    words: Mapped[str] = mapped_column(Text, default="")  # one a line
    behaviour: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SensitiveHit(Model):
    """A message a rule caught: who it is between, what matched, whether the manager was told and
    whether someone handled it. One per rule and message."""

    __tablename__ = "sensitive_hits"
    __table_args__ = (
        db.UniqueConstraint("rule_id", "message_id"),
        Index("ix_sensitive_hits_staff_userid_sent_at", "staff_userid", "sent_at"),
        Index(
            "ix_sensitive_hits_unnotified",
            "id",
            postgresql_where=text("notified_at IS NULL"),
            sqlite_where=text("notified_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("sensitive_rules.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("archive_messages.id", ondelete="CASCADE"))
    staff_userid: Mapped[str | None] = mapped_column(String(64))
    customer_userid: Mapped[str | None] = mapped_column(String(64))
    room_id: Mapped[str | None] = mapped_column(String(128))
    matched: Mapped[str] = mapped_column(String(255), default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(64))


class ChatTagRule(Model):
    """A tag from what customers say (聊天打标): a customer whose message contains one of the keywords
    (not negated: "不是敏感肌" is not 敏感肌) gets the tag, citing the message (``ChatTagCitation``)."""

    __tablename__ = "chat_tag_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    keywords: Mapped[str] = mapped_column(Text, default="")  # one a line
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChatTagCitation(Model):
    """Which message set a chat tag on a customer (the first that did), and by which rule."""

    __tablename__ = "chat_tag_citations"

    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("chat_tag_rules.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("archive_messages.id", ondelete="CASCADE"))
    keyword: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReplyExample(Model):
    """A guide's script reply to a customer's message, from the archive: what the customer said, the
    script the guide sent (recognised in the guide's message), and whether the customer answered. The
    sidebar's reply help learns from the answered ones (``archive.replies``)."""

    __tablename__ = "reply_examples"
    __table_args__ = (
        Index("ix_reply_examples_answered_id", "answered", "id"),
        Index("ix_reply_examples_staff_customer_sent_at", "staff_userid", "customer_userid", "sent_at"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    reply_message_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("archive_messages.id", ondelete="CASCADE"), unique=True
    )
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"), index=True)
    customer_text: Mapped[str] = mapped_column(Text)
    staff_userid: Mapped[str] = mapped_column(String(64))
    customer_userid: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ServiceDay(Model):
    """A member's service in a day, read from the archive (the brand's calendar day): conversations,
    customers' questions (a customer message after the guide's last word), how many the guide answered,
    the seconds to the first answer counted in working hours, and how many waited too long."""

    __tablename__ = "service_days"

    staff_userid: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    conversations: Mapped[int] = mapped_column(Integer, default=0)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    response_seconds: Mapped[int] = mapped_column(BigInteger, default=0)  # summed over the answered
    late: Mapped[int] = mapped_column(Integer, default=0)  # answered after the limit, or not at all
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnansweredAlert(Model):
    """A customer's question left unanswered past the limit: when the guide, then the manager, was told."""

    __tablename__ = "unanswered_alerts"

    message_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("archive_messages.id", ondelete="CASCADE"), primary_key=True
    )
    staff_userid: Mapped[str] = mapped_column(String(64), index=True)
    customer_userid: Mapped[str] = mapped_column(String(64))
    guide_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    manager_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
