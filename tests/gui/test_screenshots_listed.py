"""docs/screenshots/ holds one picture per page, in navigation order, in each language, and the
README shows every English one (`make screenshots` writes them; a page added without them fails
here)."""

from pathlib import Path

from gui.pages.registry import all_pages

ROOT = Path(__file__).resolve().parents[2]


def expected() -> list[str]:
    return [f"{row + 1:02d}-{page.__name__.removesuffix('Page').lower()}.png"
            for row, page in enumerate(all_pages())]


def test_every_page_has_a_screenshot_in_each_language() -> None:
    for lang in ("en", "zh_CN"):
        found = sorted(p.name for p in (ROOT / "docs/screenshots" / lang).glob("*.png"))
        assert found == expected(), lang


def test_the_readme_shows_every_page() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in expected() if f"docs/screenshots/en/{name}" not in readme]
    assert missing == []
