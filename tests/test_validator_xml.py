"""xml.mjs, the XML reader of the 在线校验 page's worker (Web Workers have no DOMParser), in
node: what xlsx.mjs needs of the DOM, and hostile input stays data."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

XML_MJS = Path(__file__).parent.parent / "generators/portal/assets/validator/xml.mjs"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node 未安装")

SCRIPT = """
import { MiniDOMParser } from %s;
const input = JSON.parse((await import("node:fs")).readFileSync(0, "utf8"));
const out = input.map((text) => {
  const doc = new MiniDOMParser().parseFromString(text, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) return "parsererror";
  return doc.getElementsByTagNameNS("M", "t").map((t) => [t.textContent, t.parentNode.localName,
    t.getAttribute("a"), t.getAttributeNS("R", "id")]);
});
process.stdout.write(JSON.stringify(out));
"""


def parse(*texts: str) -> list:
    done = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT % json.dumps(XML_MJS.as_uri())],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_namespaces_attributes_entities_and_text() -> None:
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<x:sst xmlns:x="M" xmlns:r="R">'
        '<x:si><x:t a="1&amp;2" r:id="rId7">甲 &lt;b&gt; &#x4E2D;&#20013;</x:t>'
        "<x:rPh><x:t>ignored?</x:t></x:rPh></x:si><!-- note --><x:t><![CDATA[<raw>]]></x:t></x:sst>"
    )
    assert parse(doc) == [
        [
            ["甲 <b> 中中", "si", "1&2", "rId7"],
            ["ignored?", "rPh", None, None],
            ["<raw>", "sst", None, None],
        ]
    ]


@pytest.mark.parametrize(
    "text",
    [
        "<a><b></a>",  # crossed tags
        "<a>",  # never closed
        "<a/><b/>",  # two roots
        "text before <a/>",
        "<a x=1/>",  # unquoted attribute
        "",
    ],
)
def test_malformed_xml_is_a_parsererror(text: str) -> None:
    assert parse(text) == ["parsererror"]


def test_entity_declarations_are_never_expanded() -> None:
    """A billion-laughs DOCTYPE: declared entities stay literal text (no expansion)."""
    bomb = (
        '<!DOCTYPE t [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<t xmlns="M">&lol2;</t>'
    )
    result = parse(bomb)
    assert result == ["parsererror"] or result == [[["&lol2;", "#document", None, None]]]
