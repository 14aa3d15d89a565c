"""Domain errors raised by services; callers turn them into messages or HTTP codes."""


class DomainError(Exception):
    """Base class: the message is safe to show to the operator."""


class NotFound(DomainError):
    pass


class Invalid(DomainError):
    pass


class Forbidden(DomainError):
    pass


class Conflict(DomainError):
    """The record is not in a state that allows this (e.g. a step the case has passed)."""
