"""RelayDesk relay core: the aiohttp server that forwards OpenAI-compatible requests upstream."""
