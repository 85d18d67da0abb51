"""app.providers and app.pricing for issue 18: wildcard aliases (``claude-*``) are validated
where models and prices are, and providers carry their Anthropic base URL and Responses-native
flag through add, update, drafts, the audit log and the JSON view."""

import pytest

from app import pricing, providers, views
from app.errors import ValidationError
from app.models import AuditEvent, Provider
from tests.app.support import unchanged

# --- wildcard aliases ------------------------------------------------------------------------


def test_map_keeps_trailing_wildcards(any_db):
    providers.add_provider("ds", "deepseek", models=["deepseek-chat"], model_map=[
        "claude-haiku-*=deepseek-flash", "claude-*=deepseek-v4-pro", "gpt-4o=deepseek-chat"])
    assert providers.get_provider("ds").model_map == {
        "claude-haiku-*": "deepseek-flash", "claude-*": "deepseek-v4-pro",
        "gpt-4o": "deepseek-chat"}


@pytest.mark.parametrize(("alias", "why"), [
    ("*", "not a valid pattern"),
    ("claude-**", "not a valid pattern"),
    ("*-opus", "not a valid pattern"),
    ("claude-*-4", "not a valid pattern"),
    ("c*aude*", "not a valid pattern"),
])
def test_misplaced_wildcard_in_an_alias_is_refused(any_db, alias, why):
    providers.add_provider("existing", "deepseek", models=["m"])
    with unchanged(), pytest.raises(ValidationError, match=why) as info:
        providers.add_provider("new", "deepseek", models=["m"], model_map=[f"{alias}=m"])
    assert info.value.param == "map" and info.value.values["alias"] == alias
    with unchanged(), pytest.raises(ValidationError, match=why):
        providers.update_provider("existing", model_map={alias: "m"})


def test_wildcard_in_the_upstream_model_is_refused(any_db):
    with unchanged(), pytest.raises(ValidationError, match="cannot contain") as info:
        providers.add_provider("p", "deepseek", models=["m"], model_map=["claude-*=deepseek-*"])
    assert info.value.param == "map"


@pytest.mark.parametrize("model", ["claude-*", "*", "a*b"])
def test_wildcard_in_the_models_list_is_refused(any_db, model):
    with unchanged(), pytest.raises(ValidationError, match="model mapping") as info:
        providers.add_provider("p", "deepseek", models=["ok", model])
    assert (info.value.param, info.value.values["model"]) == ("models", model)


def test_price_may_be_keyed_by_a_pattern(any_db):
    pricing.set_price("claude-*", "3", "15")
    assert pricing.get_price("claude-*") == pricing.Price(3_000_000, 3_000_000, 15_000_000)


@pytest.mark.parametrize("model", ["*", "claude-**", "*-opus", "claude-*-4"])
def test_price_with_a_misplaced_wildcard_is_refused(any_db, model):
    with unchanged(), pytest.raises(ValidationError, match="may only end the name") as info:
        pricing.set_price(model, "1", "1")
    assert info.value.param == "model"


def test_pattern_helpers_prefer_the_longest_prefix():
    patterns = pricing.sorted_patterns({"claude-*": "pro", "claude-haiku-*": "flash",
                                        "gpt-4o": "x", "c*": "short"})
    assert patterns == (("claude-haiku-", "flash"), ("claude-", "pro"), ("c", "short"))
    assert pricing.longest_match(patterns, "claude-haiku-4-5-20251001") == "flash"
    assert pricing.longest_match(patterns, "claude-opus-4-8") == "pro"
    assert pricing.longest_match(patterns, "codestral") == "short"
    assert pricing.longest_match(patterns, "gpt-4o") is None
    assert pricing.is_pattern("claude-*") and not pricing.is_pattern("claude")


# --- Anthropic base URL and Responses-native -------------------------------------------------


@pytest.mark.parametrize(("kind", "url"), [
    ("deepseek", "https://api.deepseek.com/anthropic"),
    ("zhipu", "https://open.bigmodel.cn/api/anthropic"),
    ("dashscope", None),
    ("openai", None),
])
def test_kind_presets_the_anthropic_url(any_db, kind, url):
    provider = providers.add_provider(f"{kind}-main", kind, models=["m"])
    row = Provider.get_by_id(provider.id)
    assert (row.anthropic_base_url, row.responses_native) == (url, False)


def test_explicit_anthropic_url_and_flag_are_stored(any_db):
    providers.add_provider("own", "openai", models=["m"],
                           anthropic_base_url=" https://gw.example/anthropic/ ",
                           responses_native=True)
    row = providers.get_provider("own")
    assert (row.anthropic_base_url, row.responses_native) == (
        "https://gw.example/anthropic", True)
    detail = AuditEvent.get(AuditEvent.action == "provider.add").detail
    assert (detail["anthropic_base_url"], detail["responses_native"]) == (
        "https://gw.example/anthropic", True)


def test_no_preset_for_a_kind_reached_at_another_address(any_db):
    """A DeepSeek-kind provider behind a proxy or gateway: its Anthropic address is unknown,
    so Claude Code's requests are translated rather than sent to DeepSeek past the gateway."""
    providers.add_provider("ds-gw", "deepseek", models=["m"],
                           base_url="https://gw.example/deepseek/v1")
    providers.add_provider("ds", "deepseek", models=["m"],
                           base_url="https://api.deepseek.com/v1/")
    assert providers.get_provider("ds-gw").anthropic_base_url is None
    assert providers.get_provider("ds").anthropic_base_url == "https://api.deepseek.com/anthropic"


def test_empty_anthropic_url_overrides_the_preset(any_db):
    providers.add_provider("ds", "deepseek", models=["m"], anthropic_base_url="")
    assert providers.get_provider("ds").anthropic_base_url is None


def test_update_sets_keeps_and_clears_the_dialect_fields(any_db):
    providers.add_provider("ds", "deepseek", models=["m"])
    updated = providers.update_provider("ds", responses_native=True)
    assert (updated.anthropic_base_url, updated.responses_native) == (
        "https://api.deepseek.com/anthropic", True)
    updated = providers.update_provider("ds", priority=3)  # None keeps both
    assert (updated.anthropic_base_url, updated.responses_native) == (
        "https://api.deepseek.com/anthropic", True)
    updated = providers.update_provider("ds", anthropic_base_url="http://10.0.0.2:8080/a/")
    assert updated.anthropic_base_url == "http://10.0.0.2:8080/a"
    updated = providers.update_provider("ds", anthropic_base_url="", responses_native=False)
    assert (updated.anthropic_base_url, updated.responses_native) == (None, False)
    details = [e.detail for e in AuditEvent.select().where(
        AuditEvent.action == "provider.update").order_by(AuditEvent.id)]
    assert details[0] == {"responses_native": True}
    assert details[2] == {"anthropic_base_url": "http://10.0.0.2:8080/a"}
    assert details[3] == {"anthropic_base_url": None, "responses_native": False}


def test_kind_change_keeps_the_stored_anthropic_url(any_db):
    providers.add_provider("p", "openai", models=["m"])
    assert providers.update_provider("p", kind="deepseek").anthropic_base_url is None


@pytest.mark.parametrize("url", ["ftp://files.example", "api.deepseek.com/anthropic",
                                 "https://", "https://host/a b", "https://host/#frag"])
def test_bad_anthropic_url_is_refused(any_db, url):
    providers.add_provider("p", "openai", models=["m"])
    with unchanged(), pytest.raises(ValidationError, match="Anthropic API base URL") as info:
        providers.add_provider("q", "openai", models=["m"], anthropic_base_url=url)
    assert info.value.param == "anthropic_base_url"
    with unchanged(), pytest.raises(ValidationError, match="Anthropic API base URL"):
        providers.update_provider("p", anthropic_base_url=url)


@pytest.mark.parametrize("flag", ["false", 1, None])
def test_responses_native_must_be_a_bool(any_db, flag):
    with unchanged(), pytest.raises(ValidationError, match="true or false"):
        providers.add_provider("p", "openai", models=["m"], responses_native=flag)


def test_view_shows_both_fields(any_db):
    provider = providers.add_provider("z", "zhipu", models=["glm-4"], responses_native=True)
    view = views.provider(provider)
    assert (view["anthropic_base_url"], view["responses_native"]) == (
        "https://open.bigmodel.cn/api/anthropic", True)


def test_draft_uses_the_preset_the_form_and_the_stored_values(any_db):
    fresh = providers.draft_provider("zhipu").provider
    assert (fresh.anthropic_base_url, fresh.responses_native) == (
        "https://open.bigmodel.cn/api/anthropic", False)
    typed = providers.draft_provider("deepseek", anthropic_base_url="",
                                     responses_native=True).provider
    assert (typed.anthropic_base_url, typed.responses_native) == (None, True)
    providers.add_provider("own", "openai", models=["m"],
                           anthropic_base_url="https://gw.example/anthropic",
                           responses_native=True)
    kept = providers.draft_provider("openai", existing="own").provider
    assert (kept.anthropic_base_url, kept.responses_native) == (
        "https://gw.example/anthropic", True)
    with pytest.raises(ValidationError, match="Anthropic API base URL"):
        providers.draft_provider("openai", anthropic_base_url="nope")
