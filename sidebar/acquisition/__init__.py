"""Acquisition: channel live codes (渠道活码) and what they bring in."""
