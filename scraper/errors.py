"""Errors that reach the user as one line on stderr and a non-zero exit."""


class UserError(Exception):
    """A problem the user can fix (bad URL, bad config, unreachable host...).

    The message must say what is wrong and what to do; the CLI prints it as
    `error: <message>` with no traceback and exits with `exit_code`.
    """

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class FetchError(UserError):
    """The remote side failed us: DNS, connect, timeout, HTTP error status, bad body."""

    exit_code = 3

    def __init__(self, message: str, *, url: str, reason: str, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.reason = reason  # short machine-readable cause, stored in the catalogue
        self.status = status
