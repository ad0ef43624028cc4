"""Customer data coming in: orders and members from the brand's systems (API now; files later), matched
to one customer (``oneid``), and the profile computed from them set-based (``profile``)."""
