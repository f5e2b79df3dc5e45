"""The site in a real browser: Playwright driving Debian's chromium against a server on loopback.

Screenshots of the main pages go to docs/screenshots/ when LUAT_SCREENSHOTS=1 (`make screenshots`)."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

pytestmark = [pytest.mark.data, pytest.mark.browser]
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytestmark.append(
        pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    )


@pytest.fixture(scope="module")
def site(bhxh_library):
    import uvicorn

    from luat.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app("test-bhxh"), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        pg = browser.new_page(viewport={"width": 390, "height": 844})  # a phone screen
        pg.set_default_timeout(20_000)
        yield pg
        browser.close()


def shot(page, name: str) -> None:
    if os.environ.get("LUAT_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_ask_then_follow_the_citation(site, page):
    page.goto(site + "/")
    shot(page, "home")
    page.fill(
        "textarea[name=q]",
        "Người lao động ra nước ngoài định cư có được hưởng bảo hiểm xã hội một lần không?",
    )
    page.click("form[action='/hoi'] button")
    page.wait_for_selector("#answer")
    assert page.inner_text("#answer").startswith("Căn cứ")
    shot(page, "answer")
    link = page.locator("#answer a.citation").first
    href = link.get_attribute("href")
    assert href.startswith("/van-ban/") and "#dieu-" in href
    link.click()
    page.wait_for_load_state()
    anchor = href.split("#", 1)[1]
    assert page.url.endswith("#" + anchor)
    assert page.locator(f"[id='{anchor}']").is_visible()
    shot(page, "document-anchor")


def test_search_without_diacritics(site, page):
    page.goto(site + "/")
    page.fill("form[action='/tim-kiem'] input[name=q]", "huong bao hiem xa hoi mot lan")
    page.click("form[action='/tim-kiem'] button")
    page.wait_for_selector(".hit")
    hits = page.locator(".hit")
    assert hits.count() >= 5
    assert page.locator(".hit mark").count() > 0  # the matching words highlighted, marks and all
    assert "một lần" in hits.first.inner_text().lower() or "một lần" in page.content()
    shot(page, "search")


def test_document_table_of_contents(site, page):
    page.goto(site + "/van-ban/58/2014/QH13")
    page.wait_for_selector("#toc")
    entries = page.locator("#toc li")
    assert entries.count() > 125  # chapters, sections and the 125 articles
    page.locator("#toc a[href='#dieu-60']").click()
    assert page.url.endswith("#dieu-60")
    assert page.locator("[id='dieu-60']").is_visible()
    shot(page, "document")
