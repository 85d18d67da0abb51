"""Local payment gateway simulators (server side), one per protocol, strict like the real
ones: they check every request's fields and signature, keep their own orders, sign notifies and
query answers with their own implementation of the protocol's algorithm (written here
independently of app/payments, so a shared mistake cannot pass), and record each refusal in
``errors`` for tests to assert empty."""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from dataclasses import dataclass
from typing import Any, Self

import aiohttp
from aiohttp import web

_MONEY = re.compile(r"(0|[1-9][0-9]*)\.[0-9]{2}")


def md5_sorted(params: dict[str, Any], secret: str, skip: tuple[str, ...]) -> str:
    """Both protocols' signature: sorted non-empty k=v joined by &, secret appended, MD5."""
    pairs = sorted((k, str(v)) for k, v in params.items() if k not in skip and str(v) != "")
    return hashlib.md5(("&".join(f"{k}={v}" for k, v in pairs) + secret).encode()).hexdigest()


@dataclass
class Order:
    out_trade_no: str
    money: str
    pay_type: str
    notify_url: str
    return_url: str
    name: str
    trade_no: str
    paid: bool = False


class _Simulator:
    """An aiohttp server on 127.0.0.1, port 0."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.orders: dict[str, Order] = {}
        self.errors: list[str] = []
        self.queries = 0
        self._numbers = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> Self:
        # no access log: Epay's query carries the merchant key in its URL
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def refuse(self, why: str) -> None:
        self.errors.append(why)

    def pay(self, out_trade_no: str) -> Order:
        """The user paid at the gateway."""
        order = self.orders[out_trade_no]
        order.paid = True
        return order

    async def post_notify(self, url: str, fields: dict[str, str], *, method: str = "POST"
                          ) -> tuple[int, str]:
        """Deliver a notify as the gateway's server does; the relay's status and body."""
        async with aiohttp.ClientSession() as session:
            kwargs: dict[str, Any] = ({"data": fields} if method == "POST"
                                      else {"params": fields})
            async with session.request(method, url, **kwargs) as resp:
                return resp.status, await resp.text()


class EpaySimulator(_Simulator):
    """Epay: ``submit.php`` (the browser's form), ``api.php?act=order`` (the query)."""

    def __init__(self, pid: str = "1001", key: str = "epay-merchant-key-9f3a") -> None:
        super().__init__()
        self.pid, self.key = pid, key
        self.app.router.add_route("*", "/submit.php", self._submit)
        self.app.router.add_get("/api.php", self._api)

    def sign(self, params: dict[str, Any]) -> str:
        return md5_sorted(params, self.key, ("sign", "sign_type"))

    async def _submit(self, request: web.Request) -> web.Response:
        fields = dict(await request.post()) if request.method == "POST" else dict(request.query)
        form = {k: str(v) for k, v in fields.items()}
        required = ("pid", "type", "out_trade_no", "notify_url", "return_url", "name", "money",
                    "sign", "sign_type")
        missing = [k for k in required if not form.get(k)]
        if missing:
            self.refuse(f"submit: missing {missing}")
            return web.Response(text="missing fields", status=400)
        if form["pid"] != self.pid or form["sign_type"] != "MD5":
            self.refuse("submit: wrong pid or sign_type")
            return web.Response(text="bad merchant", status=400)
        if form["sign"] != self.sign(form):
            self.refuse("submit: bad signature")
            return web.Response(text="bad sign", status=400)
        if not _MONEY.fullmatch(form["money"]) or form["type"] not in ("alipay", "wxpay"):
            self.refuse(f"submit: bad money or type {form['money']!r} {form['type']!r}")
            return web.Response(text="bad money", status=400)
        self.orders[form["out_trade_no"]] = Order(
            form["out_trade_no"], form["money"], form["type"], form["notify_url"],
            form["return_url"], form["name"], f"EP{next(self._numbers):08d}")
        return web.Response(text="<html><body>Pay here</body></html>", content_type="text/html")

    async def _api(self, request: web.Request) -> web.Response:
        self.queries += 1
        q = request.query
        if q.get("act") != "order":
            self.refuse(f"api: unknown act {q.get('act')!r}")
            return web.json_response({"code": -5, "msg": "No Act"})
        if q.get("pid") != self.pid or q.get("key") != self.key:
            return web.json_response({"code": -3, "msg": "KEY校验失败"})
        order = self.orders.get(q.get("out_trade_no", ""))
        if order is None:
            return web.json_response({"code": -1, "msg": "订单号不存在"})
        return web.json_response({
            "code": 1, "msg": "查询订单号成功！", "trade_no": order.trade_no,
            "out_trade_no": order.out_trade_no, "type": order.pay_type, "pid": int(self.pid),
            "name": order.name, "money": order.money, "status": 1 if order.paid else 0})

    def notify_fields(self, out_trade_no: str, /, **override: str) -> dict[str, str]:
        """The signed notify for a paid order; ``override`` changes fields BEFORE signing
        (a genuine notify saying something else); tamper after signing to fake one."""
        order = self.orders[out_trade_no]
        fields = {"pid": self.pid, "trade_no": order.trade_no, "out_trade_no": out_trade_no,
                  "type": order.pay_type, "name": order.name, "money": order.money,
                  "trade_status": "TRADE_SUCCESS"}
        fields.update(override)
        fields["sign"] = self.sign(fields)
        fields["sign_type"] = "MD5"
        return fields


class HupijiaoSimulator(_Simulator):
    """HupiJiao: ``payment/do.html`` (server-side order, JSON with url), ``payment/query.html``."""

    def __init__(self, appid: str = "201906120001", secret: str = "hpj-app-secret-77c1"
                 ) -> None:
        super().__init__()
        self.appid, self.secret = appid, secret
        self.app.router.add_post("/payment/do.html", self._do)
        self.app.router.add_post("/payment/query.html", self._query)

    def hash(self, params: dict[str, Any]) -> str:
        flat = {k: v for k, v in params.items() if not isinstance(v, dict)}
        for value in params.values():
            if isinstance(value, dict):
                flat.update(value)
        return md5_sorted(flat, self.secret, ("hash",))

    def _signed(self, reply: dict[str, Any]) -> web.Response:
        reply["hash"] = self.hash(reply)
        return web.json_response(reply)

    async def _do(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        required = ("version", "appid", "trade_order_id", "total_fee", "title", "time",
                    "notify_url", "return_url", "nonce_str", "hash")
        missing = [k for k in required if not form.get(k)]
        if missing:
            self.refuse(f"do: missing {missing}")
            return self._signed({"errcode": 40001, "errmsg": "missing"})
        if form["appid"] != self.appid or form["version"] != "1.1":
            self.refuse("do: wrong appid or version")
            return self._signed({"errcode": 40002, "errmsg": "appid"})
        if form["hash"] != self.hash(form):
            self.refuse("do: bad hash")
            return self._signed({"errcode": 40003, "errmsg": "hash"})
        if not _MONEY.fullmatch(form["total_fee"]) or abs(int(form["time"]) - time.time()) > 300:
            self.refuse("do: bad total_fee or time")
            return self._signed({"errcode": 40004, "errmsg": "fee"})
        number = next(self._numbers)
        self.orders[form["trade_order_id"]] = Order(
            form["trade_order_id"], form["total_fee"], form.get("type", ""), form["notify_url"],
            form["return_url"], form["title"], f"HPJ{number:08d}")
        return self._signed({"openid": number, "url_qrcode": f"{self.url}/qr/{number}.png",
                             "url": f"{self.url}/pay/{number}", "errcode": 0,
                             "errmsg": "success!"})

    async def _query(self, request: web.Request) -> web.Response:
        self.queries += 1
        form = {k: str(v) for k, v in (await request.post()).items()}
        if form.get("appid") != self.appid or form.get("hash") != self.hash(form):
            self.refuse("query: bad appid or hash")
            return self._signed({"errcode": 40003, "errmsg": "hash"})
        order = self.orders.get(form.get("out_trade_order", ""))
        if order is None:
            return self._signed({"errcode": 404, "errmsg": "order not found"})
        return self._signed({"errcode": 0, "errmsg": "success!", "data": {
            "status": "OD" if order.paid else "WP", "trade_order_id": order.out_trade_no,
            "open_order_id": order.trade_no, "transaction_id": "42" + order.trade_no,
            "total_fee": order.money}})

    def notify_fields(self, trade_order_id: str, /, **override: str) -> dict[str, str]:
        order = self.orders[trade_order_id]
        fields = {"trade_order_id": trade_order_id, "total_fee": order.money,
                  "transaction_id": "42" + order.trade_no, "open_order_id": order.trade_no,
                  "order_title": order.name, "status": "OD", "appid": self.appid,
                  "time": str(int(time.time())), "nonce_str": "n" + str(next(self._numbers))}
        fields.update(override)
        fields["hash"] = self.hash(fields)
        return fields
