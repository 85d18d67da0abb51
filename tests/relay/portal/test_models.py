"""The Models page: the models the user may call at their group's prices."""

from app import groups, pricing, providers
from tests.relay.portal.conftest import Browser, Portal, make_user


def serve(*models: str) -> None:
    providers.add_provider("up", "openai", models=list(models), base_url="http://127.0.0.1:9")
    for model in models:
        pricing.set_price(model, "2", "8", "0.5")


async def test_prices_carry_the_groups_multiplier(portal: Portal, browser: Browser) -> None:
    serve("m1", "m2")
    groups.add_group("gold", multiplier="1.25", models=["m1"])
    make_user("ann")
    groups.assign_user("ann", "gold")
    await browser.sign_in("ann")
    status, page = await browser.get("/portal/models")
    assert status == 200
    assert "<code>m1</code>" in page and "m2" not in page  # outside the group's list
    # 2 / 0.5 / 8 per 1M tokens, times 1.25.
    for price in ("2.50", "0.625000", "10.00"):
        assert f'<td class="num">{price}</td>' in page, price
    assert "1.25×" in page


async def test_a_default_user_sees_base_prices(portal: Portal, browser: Browser) -> None:
    serve("m1")
    make_user("ben")
    await browser.sign_in("ben")
    _, page = await browser.get("/portal/models")
    for price in ("2.00", "0.50", "8.00"):
        assert f'<td class="num">{price}</td>' in page, price
    assert "×" not in page


async def test_without_models_the_page_says_so(portal: Portal, browser: Browser) -> None:
    make_user("cat")
    await browser.sign_in("cat")
    _, page = await browser.get("/portal/models")
    assert "No models are available to you yet" in page
