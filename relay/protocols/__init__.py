"""The other API dialects the relay speaks besides Chat Completions: Anthropic Messages
(Claude Code), OpenAI Responses (Codex CLI) and legacy Completions.

Requests in another dialect are translated to Chat Completions for providers that speak only
that, or passed through byte for byte to providers that speak the dialect natively; either way
they go through the same metered path as ``/v1/chat/completions`` (holds, limits, failover,
settlement, the log row).
"""
