"""What the dialect translators share."""


class ProtocolError(ValueError):
    """A request the dialect's own API would refuse with a 400: ``param`` names the field."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
