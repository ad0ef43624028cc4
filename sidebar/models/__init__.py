"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata knows every table."""

from sidebar.models.activity import AuditLog, EventStatus, KeyValue, Send, WecomEvent
from sidebar.models.base import utcnow
from sidebar.models.customer import Customer, DeletedBy, Follow, LifecycleStage, Note, SkinType
from sidebar.models.order import PLATFORMS, Order, OrderItem
from sidebar.models.org import Role, Staff, StaffStatus, Store, Team
from sidebar.models.tag import CustomerTag, Tag, TagGroup, TagSync

__all__ = [
    "PLATFORMS",
    "AuditLog",
    "Customer",
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
