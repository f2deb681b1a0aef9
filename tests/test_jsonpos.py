from generators.jsonpos import line_of

TEXT = """{
  "a": 1,
  "b": {
    "c": [10,
      {"d": "x"}]
  }
}"""


def test_lines_of_keys_and_items() -> None:
    assert line_of(TEXT, ("a",)) == 1
    assert line_of(TEXT, ("b", "c", 1, "d")) == 4
    assert line_of(TEXT, ("b", "missing")) == 2  # deepest known prefix
