"""redactlens.text as the boundary of valid Unicode and of what the terminal shows."""
import json

from redactlens.text import display, exc_message, message, report_dict, valid, valid_tree


def test_valid_replaces_lone_surrogates_and_joins_pairs():
    assert valid("a\ud800b") == "a\ufffdb"
    assert valid("\ud83d\udcc4") == "\U0001f4c4"                 # a pair spelled as two code points
    assert valid("caf\udce9.pdf", escape_bytes=True) == "caf\\xe9.pdf"
    assert valid("plain") == "plain"
    tree = valid_tree({"k\udfff": ["x\ud800", {"y": "\udc80"}], "n": 3})
    json.dumps(tree, ensure_ascii=False).encode("utf-8")         # strict
    assert tree == {"k\ufffd": ["x\ufffd", {"y": "\ufffd"}], "n": 3}


def test_valid_tree_copies_only_what_must_change():
    tree = {"a": ["x", {"y": "z", "n": [1, 2.5, None, True]}], "nan": float("nan")}
    assert valid_tree(tree) is tree                               # every string valid: nothing to copy
    deep = {"a": [{"b": ["ok", "bad\udc80"]}], "t": ("u", 1)}   # one bad string, deep down
    out = valid_tree(deep)
    assert out == {"a": [{"b": ["ok", "bad\ufffd"]}], "t": ["u", 1]} and deep["a"][0]["b"][1] == "bad\udc80"
    odd = {"k": object(), 3: "x\ud800"}                        # not JSON: the copy still makes it valid
    assert valid_tree(odd)[3] == "x\ufffd" and valid_tree(odd)["k"] is odd["k"]
    assert valid_tree("s\ud800") == "s\ufffd" and valid_tree(7) == 7


def test_report_dict_keeps_the_raw_name():
    d = report_dict({"path": "/r/caf\udce9.pdf", "error": "unknown keyword: 'Jane Roe'", "warnings": ["w\x1b[2J"],
                     "page_errors": [{"page": 2, "error": "bad 'secret bytes'"}]})
    assert d["path"] == "/r/caf\\xe9.pdf" and bytes.fromhex(d["path_bytes"]) == b"/r/caf\xe9.pdf"
    assert "Jane" not in d["error"] and "secret" not in d["page_errors"][0]["error"]
    assert "\x1b" not in d["warnings"][0]


def test_message_keeps_pdf_keywords_and_caps_length():
    assert message("expected 'endobj' or 'stream' keyword") == "expected 'endobj' or 'stream' keyword"
    assert message('name "Private value"') == 'name "\u2026"'
    assert len(message("x" * 5000)) == 600
    assert exc_message(ValueError("can't parse 'abc def'")).startswith("ValueError: can")


def test_display_spells_out_every_control():
    assert display("a\x1b[31mb") == "a\\x1b[31mb"
    assert display("line\nforged") == "line\\x0aforged"
    assert display("x\u202etxt.exe") == "x\\u202etxt.exe"
    assert display("\u2028") == "\\u2028"
    assert display("caf\udce9") == "caf\\xe9"
    assert display("Ünïcode ok – fine") == "Ünïcode ok – fine"
