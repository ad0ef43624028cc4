"""Content guides send: quick-reply scripts (and their spreadsheet import/export), materials (and their
uploads to WeCom), and usage reports."""
