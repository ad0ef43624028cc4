"""Growth: referral campaigns (任务宝) — customers bringing friends — and, later, buyers into contacts."""
