"""Where the text spec's words go, and the criteria the document's responses give.

A part under a heading that names an item (its tag, `## Books`, or one of its paths,
`## POST /add_to_cart`) fills that item: its sections as such, its prose as rules. Text
that no heading places (before the first heading, under the title, under a heading that
names no item) is placed entry by entry: to the items whose path (`/add_to_cart`) or tag
(`cart`, `carts`) it names, else to the only item, else to the first item as a rule, with a
warning line saying so. Nothing is dropped and nothing is an error.

Each described response becomes a criterion, `POST /add_to_cart returns 404 when: Cart not
found` (a 2xx: `POST /calculator returns 200: The result`), unless the item already has a
criterion naming that code for that endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.importer.textspec import Entry, Part

LISTS = {"rules", "validations", "calculations"}
DATA = {"relationships", "indexes"}
PARAM = re.compile(r"^\{[^}]*\}$")


def item_id(tag: str) -> str:
    """`Book reviews` -> `BOOK-REVIEWS`."""
    return re.sub(r"[^A-Za-z0-9]+", "-", tag).strip("-").upper() or "ITEM"


@dataclass
class Slot:
    """One backlog item being built, with the tag it came from and the server's path."""

    tag: str
    item: dict[str, Any]
    base: str = ""

    def paths(self) -> list[str]:
        """Each endpoint's path as the backlog writes it and as the document does."""
        out: list[str] = []
        for req in self.item["api_requirements"]:
            full = str(req["endpoint"])
            out += [full, full.removeprefix(self.base) if self.base else full]
        return [p for p in dict.fromkeys(out) if len(p) > 1]

    def names_path(self, text: str) -> bool:
        return any(path_pattern(p).search(text) for p in self.paths())

    def names_tag(self, text: str) -> bool:
        return bool(tag_pattern(self.tag).search(text))


def path_pattern(path: str) -> re.Pattern[str]:
    """`/carts/{cart_id}` as written in prose: `/carts/{cart_id}`, `/carts/42`, `/carts/:id`,
    but not inside a longer path (`/carts/{cart_id}/items`)."""
    parts = [r"[^\s/]+" if PARAM.match(s) else re.escape(s) for s in path.split("/")]
    return re.compile(r"(?<![\w/{}.-])" + "/".join(parts) + r"(?![\w/{}-])")


def tag_pattern(tag: str) -> re.Pattern[str]:
    """A tag as a word in prose: `cart` names the tag `carts`, `carts` the tag `cart`."""
    stem = tag.strip().lower()
    stem = stem[:-1] if stem.endswith("s") and len(stem) > 3 else stem
    words = r"[\s_-]+".join(re.escape(w) for w in re.split(r"[\s_-]+", stem) if w)
    return re.compile(rf"\b{words}s?\b", re.IGNORECASE)


def _named(slots: list[Slot], text: str) -> list[Slot]:
    """The items a text names: by path first (a path is precise), else by tag."""
    by_path = [s for s in slots if s.names_path(text)]
    return by_path or [s for s in slots if s.names_tag(text)]


def _heading_target(slots: list[Slot], part: Part) -> Slot | None:
    if part.name is None:
        return slots[0] if len(slots) == 1 else None
    wanted = item_id(part.name)
    exact = [s for s in slots if wanted in {s.item["id"], item_id(s.item["id"]), item_id(s.tag)}]
    if exact:
        return exact[0]
    named = _named(slots, part.name)
    if len(named) == 1:
        return named[0]
    return slots[0] if len(slots) == 1 else None


def _add(item: dict[str, Any], section: str, text: str) -> None:
    if section in LISTS:
        entries = item["business_logic"][section]
    elif section in DATA:
        entries = item["data_requirements"][section]
    else:
        entries = item["acceptance_criteria"]
    if text not in entries:
        entries.append(text)


def _merge(item: dict[str, Any], part: Part) -> None:
    """A part's prose (the text under its heading, first in it) as rules, then its
    sections."""
    for paragraph in part.prose:
        _add(item, "rules", paragraph.text)
    for section, entries in part.sections.items():
        if section == "user_story" and entries:
            item["user_story"] = " ".join(entries)
        elif section == "priority" and entries and entries[0].strip().isdigit():
            item["priority"] = int(entries[0].strip())
        elif section == "priority":
            for entry in entries:
                _add(item, "rules", f"Priority: {entry}")
        else:
            for entry in entries:
                _add(item, section, entry)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _place(slots: list[Slot], part: Part, section: str, entry: Entry, warnings: list[str]) -> None:
    """One entry of a part no heading places: to the items it names, else the first."""
    kept = section if section in LISTS | DATA | {"acceptance_criteria"} else "rules"
    named = _named(slots, entry.text) or (_named(slots, part.name) if part.name else [])
    if named:
        for slot in named:
            _add(slot.item, kept, entry.text)
        return
    first = slots[0]
    _add(first.item, "rules", entry.text)
    under = f", under '{part.name}' (no tag of the document)" if part.name else ""
    what = "" if section == "rules" else f" ({section.replace('_', ' ')})"
    warnings.append(
        f"text spec line {entry.line}{what}{under}: '{_short(entry.text)}' names no endpoint "
        f"or tag: added to the rules of {first.item['id']} (the first of {len(slots)} items)"
    )


def apply_text_spec(slots: list[Slot], parts: list[Part], warnings: list[str]) -> None:
    """Each part of the text spec into the items it belongs to (see the module doc)."""
    for part in parts:
        target = _heading_target(slots, part)
        if target is not None:
            _merge(target.item, part)
            continue
        for entry in part.prose:
            _place(slots, part, "rules", entry, warnings)
        for section in part.sections:
            for entry in part.entries(section):
                _place(slots, part, section, entry, warnings)


def criterion(method: str, endpoint: str, code: str, text: str) -> str:
    """`POST /add_to_cart returns 404 when: Cart not found`, or for a 2xx
    `POST /calculator returns 200: The result`."""
    joint = ":" if code.startswith("2") else " when:"
    return f"{method} {endpoint} returns {code}{joint} {text}"


def _mentions(slot: Slot, req: dict[str, Any], text: str) -> bool:
    """Whether `text` names this endpoint: its path, or a word starting with its last fixed
    segment, singular (`Registering ...` names `/auth/register`, `Saving a recipe` names
    `/recipes` and `/recipes/{recipe_id}`; `add to cart` names `/add_to_cart`)."""
    if Slot(slot.tag, {"api_requirements": [req]}, slot.base).names_path(text):
        return True
    fixed = [s for s in str(req["endpoint"]).split("/") if s and not PARAM.match(s)]
    if not fixed:
        return False
    last = fixed[-1][:-1] if fixed[-1].endswith("s") and len(fixed[-1]) > 3 else fixed[-1]
    words = r"[\s_-]+".join(re.escape(w) for w in re.split(r"[\s_-]+", last) if w)
    return bool(re.search(rf"(?<![\w/]){words}", text, re.IGNORECASE))


def _covered(slot: Slot, given: list[str], req: dict[str, Any], code: str) -> bool:
    """Whether a criterion the text spec gave names `code` for this endpoint: it names the
    endpoint (see `_mentions`), or names none of the item's and the item has one."""
    number = re.compile(rf"(?<!\d){code}(?!\d)")
    reqs = slot.item["api_requirements"]
    for text in given:
        if not number.search(text):
            continue
        named = [r for r in reqs if _mentions(slot, r, text)]
        if req in named or (not named and len(reqs) == 1):
            return True
    return False


def add_response_criteria(slots: list[Slot]) -> None:
    """A criterion per described response of each endpoint (see the module doc)."""
    for slot in slots:
        given = list(slot.item["acceptance_criteria"])
        for req in slot.item["api_requirements"]:
            for code, text in (req.get("responses") or {}).items():
                if text and not _covered(slot, given, req, code):
                    _add(
                        slot.item,
                        "acceptance_criteria",
                        criterion(req["method"], req["endpoint"], code, text),
                    )
