"""Guides by results: which guide each order is credited to (``attribution``), each guide's month in
figures (``metrics``); tiers and commission build on them."""
