"""An Atom feed of new stubs that curators can subscribe to, rewritten on every change."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timezone
from pathlib import Path

from sqlalchemy import select

from archive.catalogue import Catalogue
from archive.tables import Stub
from scraper.files import atomic_write

ATOM = "http://www.w3.org/2005/Atom"


def write_feed(catalogue: Catalogue, path: Path) -> Path:
    ET.register_namespace("", ATOM)
    with catalogue.session() as s:
        stubs = list(s.scalars(select(Stub).where(Stub.status == "new").order_by(Stub.updated_at.desc(), Stub.id.desc()).limit(200)))
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "takedown-archiver: new incident stubs"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "urn:takedowns:stubs"
    newest = max((st.updated_at for st in stubs), default=None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(newest) if newest else "1970-01-01T00:00:00Z"
    for stub in stubs:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:takedowns:stub:{stub.stub_id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{stub.stub_id}: {stub.name}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(stub.updated_at)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = stub.summary
    atomic_write(path, lambda tmp: ET.ElementTree(feed).write(tmp, encoding="utf-8", xml_declaration=True))
    return path


def _iso(value) -> str:
    return value.replace(tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
