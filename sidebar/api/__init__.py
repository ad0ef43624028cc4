"""The JSON API (``/api/v1``) and the WeCom callback receiver (``/wecom/callback``)."""

from sidebar.api.callback import callback_bp
from sidebar.api.v1 import api_bp

__all__ = ["api_bp", "callback_bp"]
