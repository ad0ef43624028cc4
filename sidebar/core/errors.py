"""The base of every error a domain raises for something a person asked that cannot be done."""

from __future__ import annotations


class DomainError(ValueError):
    """A refusal: ``code`` says what for machines (the JSON envelope's ``code``), the message says it
    for people. Subclasses set their own default ``code``."""

    code: str = "invalid"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)
