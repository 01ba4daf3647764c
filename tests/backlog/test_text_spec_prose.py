"""The text spec's prose is never dropped: paragraphs (and bullets) outside the known
sections become rules of the item they name, else of the only item, else of the first
item with a warning line saying where they went."""

from __future__ import annotations

import re
from pathlib import Path

from agent.backlog.schema import Backlog
from agent.importer import import_document, import_files
from agent.importer.textspec import parse_text_spec

DATA = Path(__file__).parent.parent / "data" / "openapi"
BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _paragraphs(text: str) -> list[str]:
    """What a reader calls the spec's paragraphs: blocks between blank lines, without
    headings, a bulleted block one entry per bullet, wrapped lines joined."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("#")]
        if lines and all(BULLET.match(ln) for ln in lines):
            out += [BULLET.sub("", ln).strip() for ln in lines]
        elif lines:
            out.append(" ".join(ln.strip() for ln in lines))
    return out


def _rules(backlog: Backlog) -> dict[str, list[str]]:
    return {i.id: i.business_logic.rules for i in backlog.backlog_items}


def _cart(warnings: list[str] | None = None) -> Backlog:
    return import_files(DATA / "shopping_cart.yaml", DATA / "shopping_cart.md", warnings)


def test_a_prose_only_spec_keeps_every_paragraph_as_a_rule() -> None:
    """The shopping cart's spec has no heading at all: each of its paragraphs and bullets
    is, word for word, a rule of some item."""
    paragraphs = _paragraphs((DATA / "shopping_cart.md").read_text())
    assert len(paragraphs) == 6
    rules = [r for rs in _rules(_cart()).values() for r in rs]
    for paragraph in paragraphs:
        assert paragraph in rules


def test_a_paragraph_goes_to_the_items_whose_paths_it_names() -> None:
    """A paragraph naming `/add_to_cart` is that endpoint's item's rule; one naming three
    paths is a rule of each of the three items; one naming none goes to the first item,
    and a warning line names its line and where it went."""
    warnings: list[str] = []
    rules = _rules(_cart(warnings))
    adds = "/add_to_cart adds the quantity given"
    assert [k for k, rs in rules.items() if any(r.startswith(adds) for r in rs)] == ["ADD-TO-CART"]
    ids = "Carts are identified by an opaque cart_id"
    assert [k for k, rs in rules.items() if any(r.startswith(ids) for r in rs)] == [
        "CREATE-CART",
        "ADD-TO-CART",
        "RETRIEVE-CART",
    ]
    assert rules["CREATE-CART"][0].startswith("The server is a simple shopping cart service.")
    assert warnings[0] == (
        "text spec line 1: 'The server is a simple shopping cart service. A user crea...' "
        "names no endpoint or tag: added to the rules of CREATE-CART (the first of 3 items)"
    )
    assert len(warnings) == 4


def test_with_one_item_all_prose_is_its_rules_without_warnings() -> None:
    """The calculator has one endpoint and so one item: its title's paragraphs and its
    bullets are all its rules, in order, and nothing is in doubt."""
    warnings: list[str] = []
    text = (DATA / "calculator.md").read_text()
    backlog = import_files(DATA / "calculator.yaml", DATA / "calculator.md", warnings)
    assert backlog.backlog_items[0].business_logic.rules == _paragraphs(text)
    assert warnings == []


def test_an_unknown_heading_s_paragraphs_go_where_they_name() -> None:
    """In the file converter's spec `## Conversion` is a tag (its text is that item's);
    under `## Limits`, which is none, a paragraph naming `/convert` goes to its item and
    one naming nothing to the first item, with a warning."""
    warnings: list[str] = []
    backlog = import_files(DATA / "file_converter.yaml", DATA / "file_converter.md", warnings)
    rules = _rules(backlog)
    assert rules["CONVERSION"] == [
        "Only the first page limit applies: documents of more than 200 pages are refused.",
        "/convert refuses uploads larger than 10 MB before reading them whole.",
        "Converted files are never kept after they are answered.",
    ]
    assert rules["FORMATS"] == []
    assert warnings == [
        "text spec line 11, under 'Limits' (no tag of the document): 'Converted files are "
        "never kept after they are answered.' names no endpoint or tag: added to the rules "
        "of CONVERSION (the first of 2 items)"
    ]


def test_prose_beside_known_sections() -> None:
    """The login service's spec mixes a title paragraph, a `Business rules` section, a
    `## Tokens` heading naming no tag and criteria: the sections fill their places and
    every paragraph is a rule."""
    text = (DATA / "login_service.md").read_text()
    (item,) = import_files(DATA / "login_service.yaml", DATA / "login_service.md").backlog_items
    assert item.business_logic.rules == [
        "Users register with an email, a password and a name, then log in with their email "
        "and password to receive a JWT.",
        "An email can be registered only once.",
        "Passwords are stored hashed, never as given.",
        "A token expires one hour after it was issued. The same generic message is answered "
        "for an unknown email and for a wrong password, so that a caller cannot tell which "
        "one it was.",
    ]
    criteria = [p for p in _paragraphs(text) if p not in item.business_logic.rules]
    assert criteria == ["Registering an email that is already registered returns 400"]


def test_a_heading_naming_a_path_fills_that_item() -> None:
    """`## POST /books` is no tag, but names the path of the Books item: its sections and
    prose are that item's."""
    doc = {
        "openapi": "3.0.3",
        "paths": {
            "/members": {"get": {"tags": ["Members"], "responses": {}}},
            "/books": {"post": {"tags": ["Catalogue"], "responses": {}}},
        },
    }
    spec = (
        "## POST /books\n\nA book needs a title.\n\n### Acceptance criteria\n- Adding returns 201\n"
    )
    backlog = import_document(doc, spec)
    catalogue = backlog.backlog_items[1]
    assert catalogue.business_logic.rules == ["A book needs a title."]
    assert catalogue.acceptance_criteria == ["Adding returns 201"]


def test_paragraphs_in_a_section_are_separate_entries() -> None:
    """Within a known section a blank line ends an entry: two paragraphs are two rules,
    while a bullet's wrapped line still joins its bullet."""
    (part,) = parse_text_spec(
        "### Rules\nFirst rule,\nwrapped.\n\nSecond rule.\n- Third,\n  wrapped too.\n"
    )
    assert part.sections["rules"] == ["First rule, wrapped.", "Second rule.", "Third, wrapped too."]
    assert [e.line for e in part.entries("rules")] == [2, 5, 6]


def test_text_before_any_heading_and_fenced_code_are_prose() -> None:
    """Text before the first heading is prose, and a fenced block is one entry, its blank
    lines and `#` lines included (they are code, not headings)."""
    (part,) = parse_text_spec("Intro line.\n\n```\n# not a heading\n\nx = 1\n```\n")
    assert [e.text for e in part.prose] == ["Intro line.", "``` # not a heading x = 1 ```"]


def test_a_criterion_naming_a_code_for_a_collection_covers_its_endpoints() -> None:
    """`Saving a recipe returns 201` names 201 for `/recipes` (singular or not), so the
    document's own 201 criterion is not added beside it; the 200 of the same endpoint,
    which no criterion names, is."""
    ok = {"description": "ok"}
    doc = {
        "openapi": "3.0.3",
        "paths": {
            "/recipes": {
                "post": {"responses": {"201": {"description": "Saved"}}},
                "get": {"responses": {"200": {"description": "A page"}}},
            },
            "/tags": {"get": {"responses": {"200": ok}}},
        },
    }
    spec = "## Recipes\n### Acceptance criteria\n- Saving a recipe returns 201\n"
    recipes = import_document(doc, spec).backlog_items[0]
    assert recipes.acceptance_criteria == [
        "Saving a recipe returns 201",
        "GET /recipes returns 200: A page",
    ]
