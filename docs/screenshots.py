"""`make screenshots`: a PNG of every page, in English and Simplified Chinese, with demo data.

Runs offscreen (no display needed). Each language runs in its own process because Qt
translators are installed before any widget exists.

    python -m docs.screenshots            # both languages into docs/screenshots/
    python -m docs.screenshots --lang zh_CN --out /tmp/shots
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USERS = [("zhang.wei", "zhang.wei@lab.example.cn", "138 0013 8000"),
         ("li.na", "li.na@lab.example.cn", None),
         ("wang.fang", "wangfang@school.example.cn", "139 1234 5678"),
         ("alice", "alice@example.com", None), ("bob", "bob@example.com", "+1 415 555 0100"),
         ("chen.jie", "chen.jie@lab.example.cn", None),
         ("liu.yang", "liu.yang@lab.example.cn", None),
         ("research-bot", "ops@lab.example.cn", None)]
MODELS = {"deepseek-chat": ("2", "8", "0.5"), "glm-4-flash": ("0.1", "0.1", None),
          "qwen-plus": ("0.8", "2", "0.2"), "deepseek-reasoner": ("4", "16", "1")}


def populate() -> None:
    """Realistic demo data: users, money, providers, prices and 14 days of traffic."""
    from app import (
        accounts,
        adminauth,
        apikeys,
        clock,
        ledger,
        pricing,
        providers,
        recharges,
        requestlog,
        settings,
    )

    rng = random.Random(7)
    adminauth.create_admin("demo-password")
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    for model, (inp, out, cached) in MODELS.items():
        pricing.set_price(model, inp, out, cached)
    providers.add_provider("deepseek", "deepseek", models=["deepseek-chat", "deepseek-reasoner"],
                           priority=10)
    providers.add_provider("zhipu", "zhipu", models=["glm-4-flash"], priority=5)
    providers.add_provider("dashscope", "dashscope", models=["qwen-plus"], weight=2)
    users = []
    for name, email, phone in USERS:
        user = accounts.add_user(name, email, phone=phone)
        users.append(user)
        record = recharges.recharge(name, rng.choice([20, 50, 100, 200]) * 1_000_000,
                                    method=rng.choice(["manual", "alipay", "wechat", "bank"]),
                                    note="月度充值" if rng.random() < 0.5 else None)
        apikeys.create_key(name, name="laptop")
        if name == "bob":
            recharges.refund(record.order_no, 5_000_000, note="partial refund")
    accounts.set_status("liu.yang", "disabled")
    ledger.adjust(users[0].id, -1_500_000, "duplicate charge corrected")
    now = clock.now()
    rows = []
    for i in range(600):
        when = now - timedelta(days=rng.random() * 13.5, minutes=rng.random() * 60)
        model = rng.choices(list(MODELS), weights=[5, 3, 3, 1])[0]
        user = rng.choice(users[:7])
        prompt, completion = rng.randint(50, 3000), rng.randint(20, 1500)
        failed = rng.random() < 0.04
        rows.append({
            "created_at": when, "request_id": f"req_demo{i:05d}", "user": user.id,
            "username": user.username, "model": model, "upstream_model": model,
            "provider": {"glm-4-flash": "zhipu", "qwen-plus": "dashscope"}.get(model,
                                                                              "deepseek"),
            "stream": rng.random() < 0.7, "prompt_tokens": 0 if failed else prompt,
            "cached_tokens": 0, "completion_tokens": 0 if failed else completion,
            "cost_micros": 0 if failed else (prompt * 2 + completion * 8),
            "status": 503 if failed else 200,
            "error_code": "upstream_unavailable" if failed else None,
            "duration_ms": rng.randint(400, 9000), "ttfb_ms": rng.randint(150, 900),
            "client_ip": f"192.168.1.{rng.randint(10, 60)}", "user_agent": "OpenAI/Python 1.x",
            "estimated": False, "failover_count": 1 if rng.random() < 0.05 else 0})
    rows.sort(key=lambda r: r["created_at"])
    requestlog.insert_many(rows)
    populate_security()
    populate_portal()


def populate_security() -> None:
    """What the Security page and the security settings show: bans, events, admin tokens."""
    from app import adminauth, admintokens, bans, settings

    settings.set("admin_ip_whitelist", ["127.0.0.1/32", "::1/128", "192.168.1.0/24"])
    settings.set("relay_allowed_cidrs", ["192.168.1.0/24", "fd00::/8"])
    settings.set("rate_limit_rpm", 120)
    settings.set("rate_limit_concurrency", 4)
    adminauth.verify_admin("not-the-password", source="192.168.1.203")
    bans.ban("192.168.1.203", reason="admin_auth", failures=10)
    bans.ban("192.168.1.77", reason="invalid_api_key", failures=10)
    _token, plaintext = admintokens.create_token("nightly-backup")
    admintokens.verify(plaintext, ip="192.168.1.5")
    bans.note_admin_access("192.168.1.5", actor="token:nightly-backup")
    old, _ = admintokens.create_token("old-monitoring")
    admintokens.revoke_token(old.id)
    bans.ban("192.168.1.31", reason="invalid_api_key", failures=10)
    bans.unban("192.168.1.31", actor="admin")


def populate_portal() -> None:
    """What the Portal page shows: invite mode, an invite and an announcement."""
    from app import announcements, invites, settings

    settings.set("registration_mode", "invite")
    invites.create_invite(max_uses=20, note="lab members, spring term")
    announcements.post("Maintenance on Sunday", "The relay restarts at 02:00 for an update.")


async def shoot(out: Path) -> list[Path]:
    from app import config as config_mod
    from gui.backend import Backend
    from gui.main_window import MainWindow
    from gui.pages.registry import all_pages

    cfg = config_mod.resolve(os.environ["RELAYDESK_HOME"])
    backend = Backend(cfg)
    window = MainWindow(backend, all_pages())
    window.resize(1280, 800)
    window.show()
    await backend.start_relay()
    written = []
    for row, page in enumerate(window.pages.values()):
        window.nav.setCurrentRow(row)
        await asyncio.sleep(0.3)
        await page.idle()
        await asyncio.sleep(0.5)  # let charts and tables lay out
        name = type(page).__name__.removesuffix("Page").lower()
        path = out / f"{row + 1:02d}-{name}.png"
        window.grab().save(str(path))
        written.append(path)
    window.close()
    await backend.close()
    return written


def run_language(lang: str, out: Path) -> None:
    """In this process: demo data in a temp folder, then screenshots in ``lang``."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from app import runtime, settings
    from gui import i18n

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RELAYDESK_HOME"] = tmp
        runtime.start(tmp)
        populate()
        settings.set("language", lang)
        app = QApplication.instance() or QApplication([])
        app.setQuitOnLastWindowClosed(False)
        translators = i18n.install(app, lang)
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            for path in runner.run(shoot(out)):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        del translators


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "zh_CN"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    if args.lang:
        run_language(args.lang, args.out / args.lang)
        return 0
    for lang in ("en", "zh_CN"):
        subprocess.run([sys.executable, "-m", "docs.screenshots", "--lang", lang, "--out",
                        str(args.out)], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
