"""The service layer's refusals about providers and prices, for translation (the rest are in
gui/error_texts.py; tests/gui/test_error_texts.py reads both)."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

TEMPLATES = (
    # app/pricing.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "model name {model!r} is not valid: use 1-128 characters without spaces"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Max output tokens must be a whole number from 1 to {limit:,}"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no price for model {model!r}"),
    # app/provider_network.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy must be none, system or a URL scheme://host:port with scheme {schemes}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (not "
        "{scheme!r})"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (no path, "
        "query or spaces)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (the host "
        "is missing)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (port 0)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy: the credentials need a user name (user:password@host)"),
    QT_TRANSLATE_NOOP("ServiceError", "Extra headers: at most {maximum} are allowed"),
    QT_TRANSLATE_NOOP("ServiceError", "CA bundle: the path is empty"),
    QT_TRANSLATE_NOOP("ServiceError", "CA bundle: {path!r} is not a file"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (bad host "
        "or port)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy must be none, system or a URL scheme://host:port with scheme {schemes} (the port "
        "is empty)"),
    QT_TRANSLATE_NOOP("ServiceError", "Extra headers: names and values must be text"),
    QT_TRANSLATE_NOOP("ServiceError", "Extra headers: {name!r} is not a valid header name"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Extra headers: the relay sets {name} itself; the API key has its own field"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Extra headers: the relay sets {name} itself; it cannot be an extra header"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Extra headers: {name} carries an API key: put the key in the API key field (kept in the "
        "keyring; an Azure OpenAI base URL gets it as its api-key header)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Extra headers: the value of {name} is not valid (too long, or it has line breaks)"),
    QT_TRANSLATE_NOOP("ServiceError", "Extra headers: {name} is given twice"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "CA bundle: {path!r} holds no usable PEM certificates ({error})"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Extra headers: each line must be 'Name: value', not {line!r}"),
    # app/providers.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Base URL must look like https://host[:port]/path, not {url!r}"),
    QT_TRANSLATE_NOOP("ServiceError", "Name must be 1-64 letters, digits, '.', '_' or '-'"),
    QT_TRANSLATE_NOOP("ServiceError", "Kind must be one of {kinds}"),
    QT_TRANSLATE_NOOP("ServiceError", "Models: name at least one model"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Models: a model name has spaces in it or is longer than 128 characters"),
    QT_TRANSLATE_NOOP("ServiceError", "Priority must be a whole number from -1000 to 1000"),
    QT_TRANSLATE_NOOP("ServiceError", "Weight must be a whole number from 1 to 1000"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Proxy: there is no stored proxy password to keep; type the password instead of {mask}"),
    QT_TRANSLATE_NOOP("ServiceError", "a provider named {name!r} already exists"),
    QT_TRANSLATE_NOOP("ServiceError", "API key is empty"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no provider named {name!r}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Model mapping: each row needs the model clients ask for and the model sent upstream, "
        "without spaces (got {alias}={upstream})"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the proxy password needs the OS keyring, and none is usable. Without one, choose the "
        "System proxy and set HTTPS_PROXY/ALL_PROXY (credentials included) in the relay's "
        "environment."),
    # app/pricing.py, app/providers.py: wildcard model names and the client APIs (issue 18)
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "model name {model!r} is not valid: a '*' may only end the name, once, after at least "
        "one character (e.g. claude-*)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Model mapping: {alias!r} is not a valid pattern: one '*' may end the model clients ask "
        "for, after at least one character (e.g. claude-haiku-*)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Model mapping: the model sent upstream ({upstream!r}) cannot contain '*'; name one model"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Models: {model!r} contains '*'; a pattern belongs in the model mapping, as the model "
        "clients ask for (e.g. claude-* = deepseek-chat)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Anthropic API base URL must look like https://host[:port]/path, not {url!r}"),
    QT_TRANSLATE_NOOP("ServiceError", "Responses-native must be true or false"),
)
