"""Technique suggestions in the review desk, driven in headless Chromium on a real catalogue:
suggest, accept one (it joins the DISARM page's Technique table and the history), reject one."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from ..techniques.conftest import techniques_config
from .conftest import cli, report_page, screenshot

NEWS_PERSONA = "The operators ran websites that posed as independent news outlets and published articles under the names of local newspapers."
PATH = "/2019/05/testland-network/"


@pytest.fixture
def persona_stub(desk_factory) -> tuple:
    desk = desk_factory(techniques_config())
    desk.sites.set(
        PATH,
        report_page(
            "Removing a network from Testland", f"We removed 41 Facebook accounts and 12 Pages. {NEWS_PERSONA}"
        ),
    )
    return desk, desk.fetch(PATH)["stub_id"]


def test_accept_a_suggested_technique_into_the_page(persona_stub, page):
    desk, stub_id = persona_stub
    page.goto(f"{desk.base}/stubs/{stub_id}")
    expect(page.locator("#techniques")).to_contain_text("No technique suggestions yet.")
    page.set_default_navigation_timeout(120_000)  # the first suggestion fits the model (seconds on a busy machine)
    page.click("#suggest-techniques-form button", timeout=120_000)
    page.set_default_navigation_timeout(10_000)
    rows = page.locator("#techniques tr.technique.suggested")
    expect(rows).to_have_count(5, timeout=120_000)
    news = page.locator('#techniques tr[data-technique="T0097.202"]')
    expect(news.locator("blockquote.support").first).to_have_text(NEWS_PERSONA)  # quoted exactly
    for i in range(5):  # every suggestion shows a score and at least one supporting sentence
        assert float(rows.nth(i).locator("td").nth(1).inner_text()) > 0
        assert rows.nth(i).locator("blockquote.support").count() >= 1
    expect(page.locator("#disarm-page")).not_to_contain_text(
        "News Outlet Persona"
    )  # a suggestion is not the curator's table
    screenshot(page, "stub-techniques-suggested")

    other = next(t for i in range(5) if (t := rows.nth(i).get_attribute("data-technique")) != "T0097.202")
    news.locator("button.accept-technique").click()
    expect(page.locator(".flash")).to_have_text(f"{stub_id} accepted T0097.202")
    expect(page.locator('#techniques tr[data-technique="T0097.202"] .badge')).to_have_text("accepted")
    row = page.locator("#disarm-page tr", has_text="T0097.202 News Outlet Persona")
    expect(row.locator("i")).to_contain_text(NEWS_PERSONA)  # DISARM's format: the quotes in <i>...</i>
    expect(page.locator(".history-list")).to_contain_text("accepted T0097.202")

    page.locator(f'#techniques tr[data-technique="{other}"] button.reject-technique').click()
    expect(page.locator(f'#techniques tr[data-technique="{other}"] .badge')).to_have_text("rejected")
    screenshot(page, "stub-techniques-decided")
    shown = desk.show(stub_id)  # the same rows `stubs show` and the exports read
    status = {t["id"]: t["status"] for t in shown["techniques"]}
    assert (status["T0097.202"], status[other]) == ("accepted", "rejected")
    assert (
        f"| [T0097.202 News Outlet Persona](../../generated_pages/techniques/T0097.202.md) | <i>{NEWS_PERSONA}"
        in shown["page"]
    )
    assert not page.js_errors


def test_unknown_technique_and_missing_csrf_are_refused(persona_stub, page):
    from scraper.techniques import ahead

    desk, stub_id = persona_stub
    # The desk builds the model in a thread of its own process as it starts; on a loaded machine that
    # thread holds the GIL long enough to push the refusal past the click's timeout. This test is
    # about the refusal, so it waits for that build to end (an event, not a time).
    for thread in list(ahead._THREADS.values()):
        thread.join(timeout=300)
    page.goto(f"{desk.base}/stubs/{stub_id}")
    page.fill("#accept-technique-form input[name=technique_id]", "T9999.999")
    page.click("#accept-technique-form button")
    expect(page.locator("body")).to_contain_text("T9999.999")
    expect(page.locator("body")).to_contain_text("not in the DISARM framework")
    forged = page.request.post(
        f"{desk.base}/stubs/{stub_id}/techniques", form={"technique_id": "T0097.202", "decision": "accept"}
    )
    assert forged.status == 403
    result = cli("stubs", "show", stub_id, "--config", desk.config, "--json")
    assert [t for t in json.loads(result.stdout)["techniques"] if t["status"] == "accepted"] == []


def test_the_model_is_built_when_the_desk_starts_and_the_stub_page_follows_it(desk_factory, page):
    import stat

    from scraper.config import load_config

    desk = desk_factory(techniques_config())  # starting the desk starts the build
    desk.sites.set(
        PATH,
        report_page(
            "Removing a network from Testland", f"We removed 41 Facebook accounts and 12 Pages. {NEWS_PERSONA}"
        ),
    )
    stub_id = desk.fetch(PATH)["stub_id"]
    page.goto(f"{desk.base}/stubs/{stub_id}")
    status = page.locator("#model-status")
    expect(status).to_have_count(1)
    expect(status).to_have_attribute(
        "data-state", "ready", timeout=180_000
    )  # the line follows the build, without a reload
    expect(status).to_contain_text("The technique model is ready")
    cached = list((load_config(str(desk.config)).data_dir / "techniques").glob("model-*.pkl"))
    assert len(cached) == 1, "built ahead, before any suggestion was asked for"
    assert stat.S_IMODE(cached[0].stat().st_mode) == 0o644
    page.click("#suggest-techniques-form button", timeout=60_000)
    expect(page.locator("#techniques tr.technique.suggested")).to_have_count(5, timeout=60_000)
