"""Money: coupons and red packets (idempotent, capped under row locks), head office's settings and
reports, and ``messages``: every refusal code and what a guide reads for it."""
