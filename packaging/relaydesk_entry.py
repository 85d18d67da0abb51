"""Entry point of the frozen RelayDesk bundle (build.spec): the `RelayDesk` executable.

`RelayDesk` with no arguments starts the desktop app; any argument goes to the same CLI as the
`relaydesk` console script (`RelayDesk serve`, `RelayDesk --version`, `RelayDesk user add …`).
The no-argument case is handled here until the CLI itself launches the GUI when no command is
given; after that this file can shrink to `sys.exit(main())`.
"""

import sys


def _main() -> int:
    if len(sys.argv) <= 1:
        from gui.main import run

        return run()
    from app.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
