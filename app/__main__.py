"""`python -m app` is the same as the `relaydesk` console script."""

from app.cli import main

raise SystemExit(main())
