"""Customers: who may see whom (``visibility``, the authorization boundary), the profile, contacts and
follows from WeCom, edits, tags, the console's query and bulk jobs, group chats, and the full sync."""
