"""The app for ``bench/profile.py``: exactly what ``wsgi.py`` serves, plus a floor to compare with —
an endpoint that runs one SELECT (a customer's name by id) and answers it, through the same app,
middleware and database. It exists only here, never in the product.
"""

from flask import request
from sqlalchemy import text

from sidebar.extensions import db
from wsgi import app


@app.get("/_bench/floor")
def floor() -> str:
    name = db.session.execute(
        text("SELECT name FROM customers WHERE id = :id"), {"id": int(request.args.get("id", "1"))}
    ).scalar()
    return name or ""
