"""app.providers: upstreams are validated, named uniquely, listed by priority, and carry health."""

from datetime import datetime

import pytest

from app import events, providers
from app.errors import Conflict, NotFound, ValidationError
from app.models import AuditEvent, Provider
from tests.app.support import unchanged


@pytest.mark.parametrize(("kind", "url"), [
    ("deepseek", "https://api.deepseek.com/v1"),
    ("zhipu", "https://open.bigmodel.cn/api/paas/v4"),
    ("dashscope", "https://dashscope.aliyuncs.com/compatible-mode/v1"),
    ("openai", "https://api.openai.com/v1"),
])
def test_kind_fills_the_default_base_url(any_db, kind, url):
    provider = providers.add_provider(f"{kind}-main", kind, models=["m"])
    assert Provider.get_by_id(provider.id).base_url == url


def test_add_provider_stores_everything(any_db):
    seen = []
    unsubscribe = events.subscribe(events.PROVIDERS, lambda: seen.append(1))
    try:
        providers.add_provider(
            "ds.backup_1", "deepseek", base_url="http://127.0.0.1:9000/v1/",
            models=["chat", " coder ", "chat", ""], model_map=["chat=deepseek-chat"],
            priority=-5, weight=3, enabled=False)
    finally:
        unsubscribe()
    row = Provider.get(Provider.name == "ds.backup_1")
    assert row.base_url == "http://127.0.0.1:9000/v1"  # trailing slash dropped
    assert row.models == ["chat", "coder"]  # trimmed, empties and duplicates dropped
    assert row.model_map == {"chat": "deepseek-chat"}
    assert (row.priority, row.weight, row.enabled) == (-5, 3, False)
    assert (row.health, row.consecutive_failures) == ("unknown", 0)
    assert seen == [1]
    assert AuditEvent.get(AuditEvent.action == "provider.add").detail["models"] == [
        "chat", "coder"]


def test_map_accepts_a_dict(any_db):
    providers.add_provider("p", "openai", models=["a"], model_map={" a ": " gpt-4o "})
    assert providers.get_provider("p").model_map == {"a": "gpt-4o"}


@pytest.mark.parametrize("kwargs", [
    {"name": ""},
    {"name": "-dash"},
    {"name": "has space"},
    {"name": "x" * 65},
    {"kind": "anthropic"},
    {"base_url": "ftp://files.example"},
    {"base_url": "https://"},
    {"base_url": "api.deepseek.com"},
    {"models": []},
    {"models": ["", "  "]},
    {"models": ["has space"]},
    {"models": ["m" * 129]},
    {"priority": 1001},
    {"priority": -1001},
    {"priority": "1"},
    {"weight": 0},
    {"weight": 1001},
    {"model_map": ["noequals"]},
    {"model_map": ["a="]},
    {"model_map": ["=b"]},
    {"model_map": ["a=b c"]},
    {"api_key": "   "},
])
def test_invalid_provider_changes_nothing(any_db, kwargs):
    providers.add_provider("existing", "deepseek", models=["m"])
    args = {"name": "new", "kind": "deepseek", "models": ["m"]} | kwargs
    with unchanged(), pytest.raises(ValidationError):
        providers.add_provider(args.pop("name"), args.pop("kind"), **args)


def test_name_is_unique(any_db):
    providers.add_provider("p", "deepseek", models=["m"])
    with unchanged(), pytest.raises(Conflict, match="already exists"):
        providers.add_provider("p", "openai", models=["x"])


def test_list_by_priority_then_name(any_db):
    providers.add_provider("b", "deepseek", models=["m"], priority=1)
    providers.add_provider("a", "deepseek", models=["m"], priority=1)
    providers.add_provider("z", "deepseek", models=["m"], priority=10)
    providers.add_provider("c", "deepseek", models=["m"], priority=-1)
    assert [p.name for p in providers.list_providers()] == ["z", "a", "b", "c"]


def test_update_provider(any_db):
    providers.add_provider("p", "deepseek", models=["m"], model_map=["m=deepseek-chat"])
    updated = providers.update_provider("p", models=["x", "y"], priority=7, weight=2,
                                        enabled=False)
    assert (updated.models, updated.priority, updated.weight, updated.enabled) == (
        ["x", "y"], 7, 2, False)
    assert updated.model_map == {"m": "deepseek-chat"}  # untouched when not given
    assert updated.base_url == "https://api.deepseek.com/v1"
    updated = providers.update_provider("p", base_url="https://proxy.example/v1", model_map=[])
    assert (updated.base_url, updated.model_map) == ("https://proxy.example/v1", {})


@pytest.mark.parametrize("kwargs", [{"weight": 0}, {"kind": "nope"}, {"models": []},
                                    {"base_url": "nope"}, {"model_map": ["bad"]}])
def test_invalid_update_changes_nothing(any_db, kwargs):
    providers.add_provider("p", "deepseek", models=["m"])
    with unchanged(), pytest.raises(ValidationError):
        providers.update_provider("p", **kwargs)


def test_remove_provider(any_db):
    providers.add_provider("p", "deepseek", models=["m"])
    providers.remove_provider("p")
    assert Provider.select().count() == 0
    with pytest.raises(NotFound):
        providers.get_provider("p")
    with unchanged(), pytest.raises(NotFound):
        providers.remove_provider("p")
    with unchanged(), pytest.raises(NotFound):
        providers.update_provider("p", weight=2)


def test_record_health(any_db, fake_clock):
    provider = providers.add_provider("p", "deepseek", models=["m"])
    until = datetime(2026, 6, 1, 12, 5)
    providers.record_health(provider.id, healthy=False, failures=3, cooldown_until=until,
                            error="HTTP 503 " + "x" * 400)
    row = providers.get_provider("p")
    assert (row.health, row.consecutive_failures, row.cooldown_until) == ("cooling", 3, until)
    assert row.last_error.startswith("HTTP 503") and len(row.last_error) == 300
    assert row.last_checked_at == fake_clock.current
    providers.record_health(provider.id, healthy=True, failures=0)
    row = providers.get_provider("p")
    assert (row.health, row.consecutive_failures, row.cooldown_until, row.last_error) == (
        "healthy", 0, None, None)


def test_provider_without_key_has_none(any_db):
    providers.add_provider("p", "deepseek", models=["m"])
    assert providers.provider_key("p") is None


# -- base URL, proxy, extra headers, CA bundle (issue 14) --------------------------------------

@pytest.mark.parametrize(("given", "stored"), [
    ("https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21",
     "https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21"),
    ("https://h.example/v1/?api-version=1&x=a%20b", "https://h.example/v1?api-version=1&x=a%20b"),
    (" https://h.example/v1/ ", "https://h.example/v1"),
])
def test_base_url_keeps_its_query_string(any_db, given, stored):
    providers.add_provider("azure", "openai", models=["gpt-4o"], base_url=given)
    assert providers.get_provider("azure").base_url == stored


def test_a_provider_is_direct_by_default(any_db):
    providers.add_provider("p", "deepseek", models=["m"])
    row = providers.list_providers()[0]
    assert (row.proxy, row.proxy_auth, row.extra_headers, row.ca_bundle) == (None, False, {},
                                                                             None)
    assert providers.proxy_url("p") is None
    assert providers.proxy_display(row) is None


def test_proxy_without_credentials_needs_no_keyring(any_db):
    providers.add_provider("p", "deepseek", models=["m"], proxy="socks5h://127.0.0.1:7890")
    assert providers.proxy_url("p") == "socks5h://127.0.0.1:7890"
    providers.update_provider("p", weight=2)  # None keeps the proxy
    assert providers.proxy_url("p") == "socks5h://127.0.0.1:7890"
    providers.update_provider("p", proxy="SYSTEM")
    assert providers.proxy_url("p") == "system"
    assert providers.proxy_display(providers.get_provider("p")) == "system"
    providers.update_provider("p", proxy="http://proxy.corp")
    assert providers.proxy_url("p") == "http://proxy.corp:80"
    for cleared in ("none", "", "  "):
        providers.update_provider("p", proxy="http://proxy.corp:3128")
        providers.update_provider("p", proxy=cleared)
        assert providers.proxy_url("p") is None
    detail = AuditEvent.select().where(AuditEvent.action == "provider.update") \
        .order_by(AuditEvent.id.desc()).first().detail
    assert detail == {"proxy": None, "proxy_auth": False}


@pytest.mark.parametrize("kwargs", [
    {"proxy": "ftp://h:1"}, {"proxy": "127.0.0.1:7890"}, {"proxy": "http://h:1/x"},
    {"extra_headers": {"Authorization": "Bearer x"}}, {"extra_headers": ["X-A"]},
    {"extra_headers": {"X-A": "a\r\nb"}}, {"ca_bundle": "/nonexistent/ca.pem"},
    # a masked password keeps a stored one; there is none to keep
    {"proxy": "http://alice:***@h:1"},
])
def test_invalid_network_settings_change_nothing(any_db, kwargs):
    providers.add_provider("p", "deepseek", models=["m"], proxy="http://h:1")
    param = {"proxy": "proxy", "extra_headers": "headers", "ca_bundle": "ca_bundle"}
    with unchanged(), pytest.raises(ValidationError) as caught:
        providers.add_provider("new", "deepseek", models=["m"], **kwargs)
    assert caught.value.param == param[next(iter(kwargs))]
    with unchanged(), pytest.raises(ValidationError):
        providers.update_provider("p", weight=5, **kwargs)


def test_extra_headers_are_stored_replaced_and_cleared(any_db):
    providers.add_provider("p", "openai", models=["m"],
                           extra_headers=["OpenAI-Organization: org-1", "X-Title: RelayDesk"])
    assert providers.get_provider("p").extra_headers == {"OpenAI-Organization": "org-1",
                                                         "X-Title": "RelayDesk"}
    add = AuditEvent.get(AuditEvent.action == "provider.add").detail
    assert add["extra_headers"] == ["OpenAI-Organization", "X-Title"]  # names, not values
    assert "org-1" not in repr(add)
    providers.update_provider("p", priority=3)
    assert providers.get_provider("p").extra_headers == {"OpenAI-Organization": "org-1",
                                                         "X-Title": "RelayDesk"}
    providers.update_provider("p", extra_headers={"X-Other": "1"})
    assert providers.get_provider("p").extra_headers == {"X-Other": "1"}
    providers.update_provider("p", extra_headers={})
    assert providers.list_providers()[0].extra_headers == {}


def test_ca_bundle_is_validated_stored_and_cleared(any_db, tmp_path):
    from app import tls
    cert, _ = tls.ensure_self_signed(tmp_path / "ca", [], [])
    providers.add_provider("p", "openai", models=["m"], ca_bundle=str(cert))
    assert providers.list_providers()[0].ca_bundle == str(cert)
    assert AuditEvent.get(AuditEvent.action == "provider.add").detail["ca_bundle"] == str(cert)
    providers.update_provider("p", weight=2)
    assert providers.get_provider("p").ca_bundle == str(cert)
    junk = tmp_path / "junk.pem"
    junk.write_text("junk")
    with unchanged(), pytest.raises(ValidationError, match="no usable PEM"):
        providers.update_provider("p", ca_bundle=str(junk))
    providers.update_provider("p", ca_bundle="")
    assert providers.get_provider("p").ca_bundle is None


def test_proxy_credentials_without_a_keyring_change_nothing(any_db):
    """The tests' default keyring is unusable: credentials are refused, never stored in the
    database instead; the message points at the system proxy."""
    from app.errors import KeystoreUnavailable
    providers.add_provider("p", "deepseek", models=["m"])
    with unchanged(), pytest.raises(KeystoreUnavailable, match="System proxy") as caught:
        providers.add_provider("q", "deepseek", models=["m"],
                               proxy="http://alice:proxy-pass-1@h:3128")
    assert caught.value.param == "proxy" and "proxy-pass-1" not in caught.value.message
    with unchanged(), pytest.raises(KeystoreUnavailable):
        providers.update_provider("p", proxy="http://alice:proxy-pass-1@h:3128")


@pytest.mark.keyring
def test_proxy_credentials_live_in_the_keyring(real_keyring, sqlite_db):
    import uuid
    from urllib.parse import unquote, urlsplit

    import yarl

    from app import keystore
    from tests.app.support import dump, files_containing
    name = f"p-{uuid.uuid4().hex[:10]}"
    password = f"pw/{uuid.uuid4().hex}@:%"
    providers.add_provider(name, "deepseek", models=["m"],
                           proxy=f"http://al%3Aice:{password.replace('%', '%25')}@127.0.0.1:3128")
    try:
        row = providers.get_provider(name)
        assert (row.proxy, row.proxy_auth) == ("http://127.0.0.1:3128", True)
        url = providers.proxy_url(name)
        assert url is not None and url.endswith("@127.0.0.1:3128")
        # percent-encoded so any URL parser gets the operator's user and password back
        parts = urlsplit(url)
        assert (unquote(parts.username or ""), unquote(parts.password or "")) == ("al:ice",
                                                                                 password)
        assert (yarl.URL(url).user, yarl.URL(url).password) == ("al:ice", password)
        # nowhere but the keyring: not in the database files, not in the audit log
        assert password not in repr(dump())
        assert files_containing(sqlite_db.data_dir, password.encode()) == []
        assert files_containing(sqlite_db.data_dir, password.encode()[3:20]) == []
        # shown back masked; saved back masked it keeps the password, under a new user too
        shown = providers.proxy_display(row)
        assert shown == "http://al%3Aice:***@127.0.0.1:3128"
        providers.update_provider(name, proxy=shown)
        assert providers.proxy_url(name) == url
        providers.update_provider(name, proxy="socks5h://bob:***@127.0.0.1:1080")
        assert yarl.URL(providers.proxy_url(name)).password == password
        assert yarl.URL(providers.proxy_url(name)).user == "bob"
        # the same host without credentials drops them from the keyring
        providers.update_provider(name, proxy="socks5h://127.0.0.1:1080")
        assert providers.proxy_url(name) == "socks5h://127.0.0.1:1080"
        assert keystore.get_secret(providers.PROXY_SECRET_KIND, name) is None
        with unchanged(), pytest.raises(ValidationError, match="no stored proxy password"):
            providers.update_provider(name, proxy="socks5h://bob:***@127.0.0.1:1080")
        providers.update_provider(name, proxy="http://carol:second-pass@127.0.0.1:3128")
        assert yarl.URL(providers.proxy_url(name)).password == "second-pass"
    finally:
        providers.remove_provider(name)
    assert keystore.get_secret(providers.PROXY_SECRET_KIND, name) is None  # removed with it


@pytest.mark.keyring
def test_clearing_the_proxy_removes_its_credentials(real_keyring, any_db):
    import uuid

    from app import keystore
    name = f"p-{uuid.uuid4().hex[:10]}"
    providers.add_provider(name, "deepseek", models=["m"],
                           proxy="socks5://alice:clear-me-1@127.0.0.1:1080")
    assert keystore.get_secret(providers.PROXY_SECRET_KIND, name) == "alice:clear-me-1"
    providers.update_provider(name, proxy="none")
    assert keystore.get_secret(providers.PROXY_SECRET_KIND, name) is None
    assert (providers.get_provider(name).proxy_auth, providers.proxy_url(name)) == (False, None)
    audits = [e.detail for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert "clear-me-1" not in repr(audits)
    assert audits[0]["proxy"] == "socks5://127.0.0.1:1080" and audits[0]["proxy_auth"] is True
    providers.remove_provider(name)
