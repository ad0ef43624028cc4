"""The WeCom gateway: everything that talks to WeCom's servers or checks what they send us.

Services call WeCom through ``sidebar.wecom.gateway.wecom()``; nothing else opens a connection to it.
"""
