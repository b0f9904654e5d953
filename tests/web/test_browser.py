"""The review desk driven in headless Chromium: what a curator does, end to end on a real catalogue."""

from __future__ import annotations

import re

import openpyxl
from playwright.sync_api import expect

from .conftest import DFRLAB, WIRE, cli, keys_ready, report_page, screenshot


def two_stubs(desk) -> tuple[str, str]:
    dfrlab = desk.fetch(DFRLAB)["stub_id"]
    wire = desk.fetch(WIRE)["stub_id"]
    assert dfrlab != wire
    return dfrlab, wire


def test_walk_the_queue_with_keys_filters_search_and_pages(desk_factory, page):
    desk = desk_factory("[web]\npage_size = 1\n")
    dfrlab, wire = two_stubs(desk)
    page.goto(desk.base + "/queue")
    expect(page.locator("[data-status-count=new]")).to_have_text("2")
    expect(page.locator("tr[data-row]")).to_have_count(1)  # one stub per page here
    expect(page.locator("tr[data-row] td").first).to_contain_text(wire)  # newest first
    screenshot(page, "queue")
    page.get_by_role("link", name="older →").click()
    expect(page.locator("tr[data-row] td").first).to_contain_text(dfrlab)
    keys_ready(page)
    page.keyboard.press("j")
    expect(page.locator("tr.selected")).to_have_count(1)
    page.keyboard.press("o")
    expect(page).to_have_url(desk.base + f"/stubs/{dfrlab}")
    keys_ready(page)
    page.keyboard.press("g")
    expect(page).to_have_url(desk.base + "/queue")
    keys_ready(page)
    # full-text search finds words that are only in the clean text, not in any title
    page.keyboard.press("/")
    page.keyboard.type("StopMEK")
    page.keyboard.press("Enter")
    expect(page.locator("tr[data-row]")).to_have_count(1)
    expect(page.locator("tr[data-row]")).to_contain_text(dfrlab)
    expect(page.locator("p.summary")).to_have_text("1 stub, page 1 of 1")
    page.goto(desk.base + "/queue?q=nosuchwordanywhere")
    expect(page.locator("tr[data-row]")).to_have_count(0)
    page.goto(desk.base + "/queue?status=new&from=2021-01-01")
    expect(page.locator("tr[data-row]")).to_contain_text(wire)
    assert page.js_errors == []


def test_stub_page_highlights_the_evidence_in_the_clean_text(desk, page):
    dfrlab, _ = two_stubs(desk)
    page.goto(desk.base + f"/stubs/{dfrlab}")
    mark = page.locator(".cleantext mark.evidence-mark").filter(has_text="Facebook removed 783 assets")
    expect(mark).to_have_count(1)
    expect(page.locator("table.counts")).to_contain_text("total_assets = 783")
    page.locator("table.counts a").first.click()  # the evidence link jumps to the mark
    assert page.evaluate("location.hash") == "#" + mark.get_attribute("id")
    expect(page.locator("#disarm-page h1")).to_contain_text(f"Incident {dfrlab}:")
    expect(page.locator("#disarm-page table").first).to_contain_text("2019/01/31")
    expect(page.locator("table.references")).to_contain_text("pending")
    expect(page.locator(".history-list")).to_contain_text("created")
    screenshot(page, "stub")


def test_accept_with_keyboard_moves_to_the_next_stub(desk, page):
    dfrlab, wire = two_stubs(desk)
    page.goto(desk.base + f"/stubs/{wire}")
    page.fill("input[name=disarm_id]", "I00901")
    page.keyboard.press("Escape")  # leave the field; shortcuts work again
    page.keyboard.press("a")
    expect(page).to_have_url(re.compile(re.escape(f"{desk.base}/stubs/{dfrlab}?done={wire}+accepted") + r"&undo=\d+$"))
    expect(page.locator(".flash")).to_have_text(f"{wire} accepted")
    keys_ready(page)
    page.keyboard.press("a")
    expect(page.locator("#status")).to_have_text("accepted")
    stubs = desk.stubs()
    assert (stubs[wire]["status"], stubs[wire]["disarm_id"]) == ("accepted", "I00901")
    assert stubs[dfrlab]["status"] == "accepted"


def test_reject_needs_a_reason(desk, page):
    dfrlab, wire = two_stubs(desk)
    page.goto(desk.base + f"/stubs/{dfrlab}")
    page.keyboard.press("r")
    expect(page.locator("#reject-reason-input")).to_be_focused()
    page.locator("button.reject").click()  # empty reason: the form does not go
    assert desk.stubs()[dfrlab]["status"] == "new"
    page.fill("#reject-reason-input", "A retelling of an older takedown, not a new incident")
    page.locator("button.reject").click()
    expect(page.locator(".flash")).to_have_text(f"{dfrlab} rejected")
    stub = desk.stubs()[dfrlab]
    assert (stub["status"], stub["reject_reason"]) == (
        "rejected",
        "A retelling of an older takedown, not a new incident",
    )
    # the server refuses a blank reason too, whatever the browser checks
    page.goto(desk.base + f"/stubs/{wire}")
    page.evaluate("document.getElementById('reject-reason-input').removeAttribute('required')")
    page.fill("#reject-reason-input", "   ")
    page.locator("button.reject").click()
    expect(page.locator(".error-line")).to_contain_text("error: give a reason")
    assert desk.stubs()[wire]["status"] == "new"


def test_merge_then_reopen(desk, page):
    dfrlab, wire = two_stubs(desk)
    page.goto(desk.base + f"/stubs/{dfrlab}")
    page.keyboard.press("m")
    page.keyboard.type(wire)
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_have_text(f"{dfrlab} merged")
    expect(page.locator("table.references tbody tr")).to_have_count(2)
    expect(page.locator(".merge-reasons")).to_contain_text(f"merged by a curator from {wire}")
    expect(page.locator(".cluster")).to_contain_text(wire)
    stubs = desk.stubs()
    assert stubs[wire]["status"] == "merged" and stubs[wire]["merged_into"] == dfrlab
    assert len(stubs[dfrlab]["references"]) == 2
    page.goto(desk.base + f"/stubs/{wire}")
    page.locator("#reopen-form button").click()
    expect(page.locator("#status")).to_have_text("new")
    stubs = desk.stubs()
    assert stubs[wire]["status"] == "new" and stubs[wire]["merged_into"] is None
    assert [len(stubs[s]["references"]) for s in (dfrlab, wire)] == [1, 1]


def test_edit_then_reextract_keeps_the_edit_and_flags_the_change(desk, page):
    path = "/news/2022/03/desk-edit-report/"
    desk.sites.set(
        path,
        report_page(
            "March takedown of a news network",
            "We removed 41 Facebook accounts and 12 Pages linked to a network in Iran.",
        ),
    )
    stub_id = desk.fetch(path)["stub_id"]
    page.goto(desk.base + f"/stubs/{stub_id}")
    page.keyboard.press("e")
    page.fill("#edit-form input[name=name]", "Iran-based fake news network (curated)")
    page.fill("#edit-form input[name=targets]", "Iraq, Syria")
    page.fill("#edit-form textarea[name=counts]", "facebook_accounts = 42\nfacebook_pages = 12\n")
    page.locator("#edit-form button").click()
    expect(page.locator("#stub-name")).to_have_text("Iran-based fake news network (curated)")
    expect(page.locator("#changed-since-edit")).to_have_count(0)
    # the publisher changes the report; fetching it again and re-extracting keep the curator's words
    desk.sites.set(
        path,
        report_page(
            "March takedown of a news network (updated)",
            "We removed 44 Facebook accounts and 12 Pages linked to a network in Iran.",
        ),
    )
    desk.fetch(path)
    assert cli("reextract", "--all", "--config", desk.config).exit_code == 0
    stub = desk.stubs()[stub_id]
    assert stub["name"] == "Iran-based fake news network (curated)"
    assert stub["targets"] == ["Iraq", "Syria"]
    assert stub["counts"] == {"facebook_accounts": 42, "facebook_pages": 12}
    page.reload()
    expect(page.locator("#changed-since-edit")).to_be_visible()
    expect(page.locator(".edits tr.changed")).to_have_count(2)  # name and counts: extraction now says otherwise
    expect(page.locator(".edits tr.changed").first).to_contain_text("March takedown of a news network (updated)")
    expect(page.locator(".history-list")).to_contain_text("edited")
    screenshot(page, "stub-edited")


def test_xlsx_download_is_the_stubs_export_file(desk, page, tmp_path):
    two_stubs(desk)
    page.goto(desk.base + "/queue")
    page.locator("details.exports summary").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="stubs.xlsx").click()
    downloaded = tmp_path / "desk.xlsx"
    info.value.save_as(downloaded)
    assert cli("stubs", "export", "--format", "xlsx", "-o", tmp_path / "cli", "--config", desk.config).exit_code == 0

    def sheets(path):
        wb = openpyxl.load_workbook(path)
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}

    ours, theirs = sheets(downloaded), sheets(tmp_path / "cli" / "stubs.xlsx")
    assert ours == theirs
    assert len(ours["incidents"]) == 3 and ours["incidents"][0][0] == "disarm_id"


def test_capture_replays_from_the_archive_with_scripts_blocked(desk, page):
    path = "/news/2022/04/scripted-report/"
    script = "<script>document.body.insertAdjacentHTML('beforeend','<p id=ran>SCRIPT RAN</p>');try{parent.__replayRan=1}catch(e){}</script>"
    desk.sites.set(
        path,
        report_page(
            "Scripted takedown page", "We removed 17 Facebook accounts linked to a network in Peru.", extra=script
        ),
    )
    out = desk.fetch(path)
    desk.sites.set(path, "<html><body>the live site changed</body></html>")  # replay must not ask the live site
    page.goto(desk.base + f"/captures/{out['capture_id']}")
    expect(page.locator("#capture-digest")).to_have_text(f"sha256:{out['payload_sha256']}")
    expect(page.locator("#capture-time")).to_contain_text("Z")
    frame = page.frame_locator("#replay")
    expect(frame.locator("h1")).to_have_text("Scripted takedown page")
    expect(frame.locator("#ran")).to_have_count(0)
    assert page.evaluate("window.__replayRan") is None
    screenshot(page, "capture")
    response = page.goto(desk.base + f"/captures/{out['capture_id']}/replay")  # opened on its own, still sandboxed
    assert response.headers["content-security-policy"].startswith("sandbox;")
    expect(page.locator("h1")).to_have_text("Scripted takedown page")
    expect(page.locator("#ran")).to_have_count(0)
    page.goto(desk.base + f"/captures/{out['capture_id']}")
    with page.expect_download() as info:
        page.locator("#wacz-link").click()
    assert info.value.suggested_filename.endswith(".wacz")


HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> [x](javascript:window.__pwned=1) | =HYPERLINK(1)'


def test_hostile_title_author_and_text_execute_nothing(desk, page):
    path = "/news/2022/05/hostile-report/"
    desk.sites.set(
        path,
        report_page(
            HOSTILE_TITLE,
            'We removed 23 Facebook accounts linked to a network in Chad. <a href="javascript:window.__pwned=1">see</a>',
            author="<svg onload=window.__pwned=1>",
        ),
    )
    stub_id = desk.fetch(path)["stub_id"]
    for where in ("/queue", f"/stubs/{stub_id}", "/sources"):
        page.goto(desk.base + where)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, where
        assert page.locator("a[href^='javascript' i]").count() == 0, where
        assert page.locator("img[src=x], svg[onload]").count() == 0, where
    page.goto(desk.base + f"/stubs/{stub_id}")
    expect(page.locator("#stub-name")).to_contain_text("<script>window.__pwned=1</script>")  # shown as text
    screenshot(page, "stub-hostile")
