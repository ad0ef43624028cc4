"""The organisation: staff (synced from WeCom) and their console settings, local console accounts, API
keys, corp tags (mirrored from WeCom and edited from the console), the dashboard."""
