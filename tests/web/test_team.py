"""A team at the desk, in headless Chromium: curators with their own tokens working side by side
(claims, comments, who did what), bulk decisions over a page of stubs, and undo."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select

from archive.catalogue import Catalogue
from archive.tables import Stub, StubChange
from scraper.config import load_config
from scraper.stubs import countries

from .conftest import DFRLAB, WIRE, Desk, cli, desk_config, keys_ready, serve_desk

TEAM = '[web]\nauth = "token"\n'


def add_curator(config: Path, name: str) -> str:
    result = cli("curators", "add", name, "--config", config, "--json")
    assert result.exit_code == 0, result.stderr
    token = json.loads(result.stdout)["token"]
    assert len(token) > 40
    return token


@pytest.fixture
def team_desk(tmp_path: Path, sites) -> Iterator:
    """team_desk(extra, names) -> (a Desk with `[web] auth = "token"`, {name: token}); curators added before it starts."""
    with contextlib.ExitStack() as stack:

        def make(extra: str = "", names: tuple[str, ...] = ("alice", "bob")) -> tuple[Desk, dict[str, str]]:
            cfg = desk_config(tmp_path, TEAM + extra)
            tokens = {name: add_curator(cfg, name) for name in names}
            return Desk(stack.enter_context(serve_desk(cfg)), cfg, sites), tokens

        yield make


def signed_in(browser, token: str):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, http_credentials={"username": "any", "password": token}
    )
    context.set_default_timeout(10_000)
    return context


def clone_stubs(config: Path, n: int, targets: list[str] | None = None) -> list[str]:
    """`n` more new stubs, copies of the first real one (bulk work needs a full page of them)."""
    catalogue = Catalogue(load_config(str(config)).catalogue_url, migrate=True)
    try:
        with catalogue.session() as s:
            base = s.execute(select(Stub.__table__).order_by(Stub.id).limit(1)).mappings().one()
            top = s.scalar(select(Stub.id).order_by(Stub.id.desc()).limit(1)) or 0
            rows = [
                {
                    **{k: v for k, v in base.items() if k != "id"},
                    "id": top + 1 + i,
                    "stub_id": f"TC-{i:05d}",
                    "status": "new",
                    "name": f"Cloned network {i}",
                    "disarm_id": None,
                    "merged_into": None,
                    "targets": targets or base["targets"],
                }
                for i in range(n)
            ]
            s.execute(insert(Stub), rows)
            s.execute(
                insert(StubChange),
                [
                    {"stub_pk": r["id"], "at": base["created_at"], "kind": "created", "detail": "cloned for a test"}
                    for r in rows
                ],
            )
            countries.rebuild(s.connection())
        return [r["stub_id"] for r in rows]
    finally:
        catalogue.dispose()


def test_two_curators_review_side_by_side_and_each_action_shows_who_did_it(team_desk, browser):
    desk, tokens = team_desk()
    alice_token, bob_token = tokens["alice"], tokens["bob"]
    first, second = desk.fetch(DFRLAB)["stub_id"], desk.fetch(WIRE)["stub_id"]
    assert httpx.get(desk.base + "/queue").status_code == 401  # no token, no desk
    assert httpx.get(desk.base + "/queue", auth=("x", "tdc_not-a-curator-token-at-all-0123456789")).status_code == 401
    alice_ctx, bob_ctx = signed_in(browser, alice_token), signed_in(browser, bob_token)
    try:
        alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
        alice.goto(f"{desk.base}/stubs/{first}")
        bob.goto(f"{desk.base}/stubs/{first}")
        expect(alice.locator("#signed-in")).to_have_text("alice")
        expect(bob.locator("#signed-in")).to_have_text("bob")
        alice.locator("#claim-form button").click()
        expect(alice.locator(".flash")).to_contain_text(f"{first} claimed by alice")
        # bob, on the page he opened before, tries to take it too: refused, and told who has it
        bob.locator("#claim-form button").click()
        expect(bob.locator(".error-line")).to_contain_text(f"{first} is claimed by alice")
        bob.goto(f"{desk.base}/stubs/{first}")
        expect(bob.locator("#claimant")).to_have_text("alice")
        bob.goto(f"{desk.base}/queue")
        expect(bob.locator(f"tr[data-stub-id='{first}'] td.claimant")).to_have_text("alice")
        # bob comments; alice sees it under his name
        bob.goto(f"{desk.base}/stubs/{first}")
        bob.fill("#comment-form textarea", "The second report gives a lower count; worth a look.")
        bob.locator("#comment-form button").click()
        alice.reload()
        expect(alice.locator(".comment-list li").first).to_contain_text("bob")
        expect(alice.locator(".comment-list li").first).to_contain_text("worth a look")
        # both decide at once, each on their own stub
        alice.locator("#accept-form button.accept").click()
        bob.goto(f"{desk.base}/stubs/{second}")
        bob.fill("#reject-reason-input", "A press release about an older takedown")
        bob.locator("button.reject").click()
        expect(bob.locator(".flash")).to_have_text(f"{second} rejected")
        alice.goto(f"{desk.base}/stubs/{first}")
        history = alice.locator(".history-list")
        expect(history).to_contain_text("claimed by alice")
        expect(history.locator("li", has_text="accepted")).to_contain_text("by alice")
        expect(history.locator("li", has_text="commented")).to_contain_text("by bob")
        alice.goto(f"{desk.base}/stubs/{second}")
        expect(alice.locator(".history-list li", has_text="rejected")).to_contain_text("by bob")
        # alice assigns the stub to bob; his queue shows it is his
        alice.fill("#assign-form input[name=curator]", "bob")
        alice.locator("#assign-form button").click()
        expect(alice.locator("#claimant")).to_have_text("bob")
        expect(alice.locator("#claim")).to_contain_text("assigned by alice")
    finally:
        alice_ctx.close()
        bob_ctx.close()
    shown = desk.show(first)
    assert [c["actor"] for c in shown["history"] if c["kind"] == "accepted"] == ["alice"]


def test_claims_expire(team_desk):
    desk, tokens = team_desk("claim_minutes = 1\n")
    alice_token, bob_token = tokens["alice"], tokens["bob"]
    stub = desk.fetch(DFRLAB)["stub_id"]
    with httpx.Client(auth=("a", alice_token)) as alice, httpx.Client(auth=("b", bob_token)) as bob:
        for client in (alice, bob):
            client.get(f"{desk.base}/queue")
        csrf = {
            c: re.search(r'name="csrf" value="([^"]+)"', c.get(f"{desk.base}/stubs/{stub}").text).group(1)
            for c in (alice, bob)
        }
        assert alice.post(f"{desk.base}/stubs/{stub}/claim", data={"csrf": csrf[alice]}).status_code == 303
        assert bob.post(f"{desk.base}/stubs/{stub}/claim", data={"csrf": csrf[bob]}).status_code == 400
        catalogue = Catalogue(load_config(str(desk.config)).catalogue_url, migrate=True)
        try:  # the claim's minute passes
            with catalogue.session() as s:
                from archive.tables import StubClaim

                claim = s.scalars(select(StubClaim)).one()
                claim.expires_at = claim.at
        finally:
            catalogue.dispose()
        assert "Not claimed by anyone" in bob.get(f"{desk.base}/stubs/{stub}").text
        assert bob.post(f"{desk.base}/stubs/{stub}/claim", data={"csrf": csrf[bob]}).status_code == 303
        assert re.search(r'id="claimant">bob<', alice.get(f"{desk.base}/stubs/{stub}").text)


def test_curators_cli_adds_lists_and_revokes(team_desk):
    desk, tokens = team_desk(names=("carol",))
    token = tokens["carol"]
    assert httpx.get(desk.base + "/queue", auth=("c", token)).status_code == 200
    again = cli("curators", "add", "carol", "--config", desk.config)
    assert again.exit_code != 0 and again.stderr.strip().startswith("error: curator carol already exists")
    bad = cli("curators", "add", "no spaces please", "--config", desk.config)
    assert bad.exit_code != 0 and "curator name" in bad.stderr
    listed = cli("curators", "list", "--config", desk.config, "--json")
    assert [c["name"] for c in json.loads(listed.stdout)] == ["carol"]
    catalogue = Catalogue(load_config(str(desk.config)).catalogue_url, migrate=True)
    try:  # only the digest is stored, never the token
        with catalogue.session() as s:
            from archive.tables import Curator

            stored = s.scalars(select(Curator)).one()
            assert token not in stored.token_sha256 and len(stored.token_sha256) == 64
    finally:
        catalogue.dispose()
    assert cli("curators", "revoke", "carol", "--config", desk.config).exit_code == 0
    assert httpx.get(desk.base + "/queue", auth=("c", token)).status_code == 401


def test_bulk_accept_fifty_stubs_then_undo(desk_factory, page):
    desk = desk_factory("[web]\npage_size = 50\n")
    desk.fetch(DFRLAB)
    clones = clone_stubs(desk.config, 51)
    page.goto(desk.base + "/queue")
    expect(page.locator("tr[data-row]")).to_have_count(50)
    page.locator("#tick-all").check()
    expect(page.locator("#bulk-count")).to_have_text("50 selected")
    page.select_option("#bulk-action", "accept")
    page.locator("#bulk-go").click()
    expect(page.locator(".flash")).to_have_text("50 stubs accepted")
    expect(page.locator("[data-status-count=accepted]")).to_have_text("50")
    stubs = desk.stubs()
    assert sum(s["status"] == "accepted" for s in stubs.values()) == 50
    page.locator("#undo").click()
    expect(page.locator(".flash")).to_have_text("50 stubs undone")
    expect(page.locator("[data-status-count=new]")).to_have_text("52")
    assert all(s["status"] == "new" for s in desk.stubs().values())
    # reject three with a reason, and merge three into a fourth; undo the merge
    page.goto(desk.base + "/queue")
    for sid in clones[-3:]:
        page.locator(f"input.tick[value='{sid}']").check()
    page.select_option("#bulk-action", "reject")
    page.fill("#bulk-reason", "Copies made for this test")
    page.locator("#bulk-go").click()
    expect(page.locator(".flash")).to_have_text("3 stubs rejected")
    for sid in clones[-7:-4]:
        page.locator(f"input.tick[value='{sid}']").check()
    page.select_option("#bulk-action", "merge")
    page.fill("#bulk-into", clones[-4])
    page.locator("#bulk-go").click()
    expect(page.locator(".flash")).to_have_text("3 stubs merged")
    stubs = desk.stubs()
    assert [stubs[s]["merged_into"] for s in clones[-7:-4]] == [clones[-4]] * 3
    assert [stubs[s]["reject_reason"] for s in clones[-3:]] == ["Copies made for this test"] * 3
    keys_ready(page)
    page.keyboard.press("u")
    expect(page.locator(".flash")).to_have_text("3 stubs undone")
    stubs = desk.stubs()
    assert [stubs[s]["status"] for s in clones[-7:-4]] == ["new"] * 3
    assert page.js_errors == []


def test_undo_leaves_a_stub_decided_again_since(desk_factory, page):
    desk = desk_factory()
    desk.fetch(DFRLAB)
    clones = clone_stubs(desk.config, 3)
    page.goto(desk.base + "/queue")
    page.locator("#tick-all").check()
    page.locator("#bulk-go").click()
    expect(page.locator(".flash")).to_have_text("4 stubs accepted")
    assert cli("stubs", "reopen", clones[0], "--config", desk.config).exit_code == 0
    assert cli("stubs", "reject", clones[0], "--reason", "not one", "--config", desk.config).exit_code == 0
    page.locator("#undo").click()
    expect(page.locator(".flash")).to_contain_text(f"3 stubs undone; 1 refused: {clones[0]} was decided again since")
    assert desk.stubs()[clones[0]]["status"] == "rejected"
    page.go_back()
    page.locator("#undo").click()  # a second undo of the same decision changes nothing
    expect(page.locator(".error-line")).to_contain_text("already undone")


def test_the_a_key_accept_can_be_undone(desk, page):
    first, second = desk.fetch(DFRLAB)["stub_id"], desk.fetch(WIRE)["stub_id"]
    page.goto(f"{desk.base}/stubs/{second}")
    keys_ready(page)
    page.keyboard.press("a")
    expect(page.locator(".flash")).to_have_text(f"{second} accepted")
    expect(page).to_have_url(re.compile(f"/stubs/{first}"))
    keys_ready(page)
    page.keyboard.press("u")
    expect(page).to_have_url(re.compile(f"/stubs/{second}"))
    expect(page.locator(".flash")).to_have_text("1 stub undone")
    expect(page.locator("#status")).to_have_text("new")
    assert desk.stubs()[second]["status"] == "new"


def test_pages_fit_a_390_pixel_phone_screen(desk, page):
    stub = desk.fetch(DFRLAB)["stub_id"]
    desk.fetch(WIRE)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/queue", f"/stubs/{stub}", "/sources"):
        page.goto(desk.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
