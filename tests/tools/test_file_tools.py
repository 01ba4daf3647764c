"""list_files, read_file, search, write_file and edit_file through the Toolbox."""

from __future__ import annotations

from tools.toolbox import Toolbox


def test_list_files_skips_git_and_caches(toolbox, workspace):
    """Listing shows the project's files, not .git or __pycache__."""
    (workspace / "app" / "__pycache__").mkdir()
    (workspace / "app" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    result = toolbox.call("list_files", {})
    assert not result.is_error
    assert result.output.splitlines() == [
        "app/__init__.py",
        "app/pricing.py",
        "tests/test_pricing.py",
    ]


def test_read_file_numbers_lines_and_pages(toolbox, workspace):
    """Reading shows numbered lines for a range, and says how to read on."""
    (workspace / "long.txt").write_text("".join(f"line {n}\n" for n in range(1, 501)))
    part = toolbox.call("read_file", {"path": "app/pricing.py", "start_line": 2, "end_line": 3})
    assert part.output.splitlines() == [
        "app/pricing.py lines 2-3 of 4 (line numbers are not in the file)",
        "    2\t    if total > 100:",
        "    3\t        return total * 0.9",
        "… 1 more lines: read with start_line=4",
    ]
    window = toolbox.call("read_file", {"path": "long.txt"}).output
    assert "lines 1-400 of 500" in window and "read with start_line=401" in window
    missing = toolbox.call("read_file", {"path": "nope.py"})
    assert missing.is_error and "missing" in missing.output


def test_search_substring_and_regex(toolbox):
    """Substring and regex search answer path:line: text; a bad regex is an error result."""
    assert toolbox.call("search", {"pattern": "total * 0.9"}).output == (
        "app/pricing.py:3: return total * 0.9"
    )
    hits = toolbox.call("search", {"pattern": r"def test_\w+", "regex": True, "glob": "test_*.py"})
    assert hits.output.splitlines() == [
        "tests/test_pricing.py:4: def test_no_discount_below_100():",
        "tests/test_pricing.py:8: def test_discount_at_100():",
    ]
    broken = toolbox.call("search", {"pattern": "(", "regex": True})
    assert broken.is_error and "invalid regular expression" in broken.output


def test_search_shows_a_window_around_a_match_deep_in_a_long_line(toolbox, workspace):
    """A one-line JSON document of 16,000 characters: the hit shows the text around the
    match and which columns it is, not the line's first 200 characters."""
    filler = ",".join(f'"k{n}": {n}' for n in range(1500))
    (workspace / "plan.json").write_text("{" + filler + ', "needle": "found it"}\n')
    hit = toolbox.call("search", {"pattern": "needle", "glob": "plan.json"}).output
    assert hit.startswith("plan.json:1: [cols ")
    assert '"needle": "found it"}' in hit and "of " in hit
    assert len(hit) < 300


def test_write_file_creates_folders(toolbox, workspace):
    """write_file creates missing folders and says whether it created or replaced."""
    result = toolbox.call("write_file", {"path": "app/rules/tax.py", "content": "RATE = 0.2\n"})
    assert result.output == "wrote app/rules/tax.py (1 lines, created)"
    assert (workspace / "app" / "rules" / "tax.py").read_text() == "RATE = 0.2\n"
    refused = toolbox.call("write_file", {"path": "../evil.py", "content": "x"})
    assert refused.is_error and "'..'" in refused.output


def test_edit_replaces_a_unique_match(toolbox, workspace):
    """A unique exact match is replaced and the edited region is shown."""
    result = toolbox.call(
        "edit_file",
        {"path": "app/pricing.py", "old_text": "total > 100", "new_text": "total >= 100"},
    )
    assert not result.is_error and "first at line 2" in result.output
    assert "if total >= 100:" in (workspace / "app" / "pricing.py").read_text()


def test_edit_refuses_an_ambiguous_match_with_the_lines(toolbox):
    """Two matches: refused, with how many and where, unless replace_all."""
    args = {"path": "app/pricing.py", "old_text": "return total", "new_text": "return round(total"}
    refused = toolbox.call("edit_file", args)
    assert refused.is_error
    assert "matches 2 places in app/pricing.py (lines 3, 4)" in refused.output
    assert not toolbox.call("edit_file", {**args, "replace_all": True}).is_error


def test_edit_refuses_a_missing_match_with_the_nearest_lines(toolbox):
    """No match: refused, pointing at the lines that come closest."""
    refused = toolbox.call(
        "edit_file",
        {"path": "app/pricing.py", "old_text": "    if total > 1000:", "new_text": "x"},
    )
    assert refused.is_error and "old_text was not found" in refused.output
    assert "    2\t    if total > 100:" in refused.output


def test_results_are_trimmed_keeping_head_and_tail(sandbox, workspace):
    """A result over the budget keeps its start and its end around a marker."""
    (workspace / "big.txt").write_text("".join(f"row {n}\n" for n in range(1, 2001)))
    box = Toolbox(sandbox, result_chars=600)
    output = box.call("read_file", {"path": "big.txt", "start_line": 1, "end_line": 2000}).output
    assert len(output) <= 600
    assert output.startswith("big.txt lines 1-2000") and output.rstrip().endswith("row 2000")
    assert "characters cut]" in output
