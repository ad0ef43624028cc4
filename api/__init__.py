"""The JSON API (``/api/v1``) and the WeCom callback receiver (``/wecom/callback``)."""

from api.callback import callback_bp
from api.v1 import api_bp

__all__ = ["api_bp", "callback_bp"]
