"""The web layer: the two surfaces (``sidebar`` beside the chat, ``admin`` the console), the public
claim pages, sign-in, health, and what they share: htmx helpers, error pages, hashed static assets,
labels for stored codes, forms, sessions and sign-in, safe redirects, security headers.

Nothing below the web layer imports it (``make test`` checks the direction with import-linter).
"""
