"""Render the PNG app icons from their SVG sources with Chromium.

Run after editing an SVG: `.venv/bin/python scripts/render-icons.py`.
"""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "outings" / "static" / "icons"
RENDERS = (
    ("icon.svg", "icon-192.png", 192),
    ("icon.svg", "icon-512.png", 512),
    ("icon-maskable.svg", "icon-maskable-512.png", 512),
    ("icon-maskable.svg", "apple-touch-icon.png", 180),
)


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for source, target, size in RENDERS:
            page = browser.new_page(viewport={"width": size, "height": size})
            svg = base64.b64encode((ICONS / source).read_bytes()).decode()
            page.set_content(
                "<body style='margin:0'>"
                f"<img src='data:image/svg+xml;base64,{svg}' width={size} height={size}"
                " style='display:block'></body>"
            )
            page.screenshot(path=str(ICONS / target), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
