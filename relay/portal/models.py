"""Models page: the models the signed-in user may call, at their group's prices."""

from typing import Any

from aiohttp import web

from app import catalog, groups
from relay.portal.common import render, run_db, signed_in, signed_in_user


def _facts(user_id: int) -> dict[str, Any]:
    group = catalog.user_group(user_id)
    return {"offers": catalog.offers(user_id),
            "multiplier": groups.format_multiplier(group.multiplier_ppm),
            "discounted": group.multiplier_ppm != groups.PPM}


@signed_in
async def models_page(request: web.Request) -> web.StreamResponse:
    facts = await run_db(request, _facts, signed_in_user(request).id)
    return render(request, "models.html", **facts)


def setup(portal: web.Application) -> None:
    portal.router.add_get("/models", models_page)
