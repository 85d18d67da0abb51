"""The relay's HTTP/1.1 client for provider calls (see client.py for why it is its own)."""

from relay.h1.client import H1Client, Target, header_lines, target
from relay.h1.connection import (AfterSend, H1Response, UpstreamClosed, UpstreamError,
                                 UpstreamTimeout)

__all__ = ["AfterSend", "H1Client", "H1Response", "Target", "UpstreamClosed", "UpstreamError",
           "UpstreamTimeout", "header_lines", "target"]
