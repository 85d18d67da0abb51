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
