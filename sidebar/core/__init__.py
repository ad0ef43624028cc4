"""What every domain uses: ``errors`` (``DomainError``, the base of every refusal a domain raises),
``uow`` (the unit of work: one commit or rollback per request or job, in one place), ``locking`` (row
locks and local-time periods for money), ``once`` (keyed inserts and signed links), ``audit``.

Domains (customers, content, money, sop, org, events, demo) depend on core, models and wecom, never on
the web layer. Their services flush; they do not commit.
"""
