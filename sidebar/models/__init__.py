"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata knows every table."""

from sqlalchemy import DDL, event

from sidebar.extensions import Model
from sidebar.models.acquisition import (
    ChannelCode,
    ChannelCodeMember,
    CodeKind,
    Handover,
    HandoverStatus,
    ReportSend,
    ReportSettings,
    Welcome,
    WelcomeSend,
    WelcomeStatus,
)
from sidebar.models.activity import AuditLog, EventStatus, KeyValue, Send, WecomEvent
from sidebar.models.base import utcnow
from sidebar.models.console import AdminAccount, BackgroundJob, ImportMapping, JobStatus
from sidebar.models.content import Material, MaterialKind, Scope, Script, ScriptFavourite
from sidebar.models.customer import (
    Alert,
    Customer,
    CustomerStats,
    DeletedBy,
    Follow,
    LifecycleSettings,
    LifecycleStage,
    Note,
    RfmSegment,
    SkinType,
)
from sidebar.models.guides import (
    Attribution,
    AttributionRule,
    CreditedBy,
    GuideMonth,
    GuideSettings,
    GuideTier,
    TierCriterion,
    TierPeriod,
)
from sidebar.models.member import IdentitySettlement, Member
from sidebar.models.money import (
    HOLDING,
    ApiKey,
    Coupon,
    CouponKind,
    CouponStatus,
    CouponTemplate,
    Delivery,
    PacketStatus,
    RedPacket,
    RedPacketBudget,
    RedPacketRule,
)
from sidebar.models.order import COUNTED_STATUSES, ORDER_STATUSES, PLATFORMS, Order, OrderItem
from sidebar.models.org import Role, Staff, StaffStatus, Store, Team
from sidebar.models.sop import SopRule, SopStep, SopTask, TaskStatus, Trigger
from sidebar.models.tag import CustomerTag, Tag, TagGroup, TagRule, TagRuleExclusion, TagSync

# Trigram indexes (console search) need pg_trgm; create_all makes it too, as the migration does.
event.listen(
    Model.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)

__all__ = [
    "Attribution",
    "AttributionRule",
    "CreditedBy",
    "GuideMonth",
    "GuideSettings",
    "GuideTier",
    "TierCriterion",
    "TierPeriod",
    "Handover",
    "HandoverStatus",
    "ReportSend",
    "ReportSettings",
    "Welcome",
    "WelcomeSend",
    "WelcomeStatus",
    "ChannelCode",
    "ChannelCodeMember",
    "CodeKind",
    "COUNTED_STATUSES",
    "IdentitySettlement",
    "ImportMapping",
    "TagRule",
    "TagRuleExclusion",
    "Alert",
    "HOLDING",
    "ORDER_STATUSES",
    "LifecycleSettings",
    "Member",
    "RfmSegment",
    "ApiKey",
    "Coupon",
    "CouponKind",
    "CouponStatus",
    "CouponTemplate",
    "Delivery",
    "PacketStatus",
    "RedPacket",
    "RedPacketBudget",
    "RedPacketRule",
    "SopRule",
    "SopStep",
    "SopTask",
    "TaskStatus",
    "Trigger",
    "Material",
    "MaterialKind",
    "Scope",
    "Script",
    "ScriptFavourite",
    "AdminAccount",
    "BackgroundJob",
    "JobStatus",
    "PLATFORMS",
    "AuditLog",
    "Customer",
    "CustomerStats",
    "CustomerTag",
    "DeletedBy",
    "EventStatus",
    "Follow",
    "KeyValue",
    "LifecycleStage",
    "Note",
    "Order",
    "OrderItem",
    "Role",
    "Send",
    "SkinType",
    "Staff",
    "StaffStatus",
    "Store",
    "Tag",
    "TagGroup",
    "TagSync",
    "Team",
    "WecomEvent",
    "utcnow",
]
