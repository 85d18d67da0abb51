"""RelayDesk service layer: models, money, accounts, billing and the admin CLI.

Everything an operator can do lives here; the relay (relay/), the desktop GUI (gui/) and the CLI
(app/cli/) are thin transports over these modules.
"""

__version__ = "0.1.0"
