"""The desk's edit form takes only values a stub can hold: known asset types in the counts box,
country names (resolved to the stub's form) in the country boxes; anything else is a form error."""

from __future__ import annotations

import html

import httpx

from .conftest import WIRE
from .test_http import csrf_of


def test_the_counts_and_country_boxes_refuse_what_no_stub_can_hold(desk):
    stub_id = desk.fetch(WIRE)["stub_id"]
    before = desk.stubs()[stub_id]
    with httpx.Client() as client:
        token = csrf_of(client, desk.base, stub_id)
        for form, message in (
            (
                {"counts": "facebook_accounts = 93\nmade_up_thing = 4"},
                "counts: 'made_up_thing' is not a removed-asset type",
            ),
            ({"counts": "facebook_followers = 42000"}, "counts: 'facebook_followers' is not a removed-asset type"),
            ({"origin": "Narnia"}, "origin: 'Narnia' is not a country name: did you mean Armenia?"),
        ):
            r = client.post(f"{desk.base}/stubs/{stub_id}/edit", data={"csrf": token, **form})
            assert r.status_code == 400 and message in html.unescape(r.text), (form, r.text[:500])
        assert {k: desk.stubs()[stub_id][k] for k in ("counts", "origin")} == {
            k: before[k] for k in ("counts", "origin")
        }
        assert [h["kind"] for h in desk.show(stub_id)["history"]] == ["created"]
        r = client.post(
            f"{desk.base}/stubs/{stub_id}/edit",
            data={"csrf": token, "origin": "iran", "counts": "facebook_accounts = 90"},
        )
        assert r.status_code == 303, r.text[:300]
    after = desk.stubs()[stub_id]
    assert after["origin"] == ["Iran"] and after["counts"] == {"facebook_accounts": 90}
