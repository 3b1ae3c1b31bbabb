"""Workshop templates: the shipped one is complete, and broken files are reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop import locations
from workshop.templates import TemplateError, discover, get_template, load_template

SHIPPED = locations.shipped_templates_dir() / "cyp-integration.toml"


def test_shipped_template_has_the_domain_content() -> None:
    spec = load_template(SHIPPED)
    assert [f.name for f in spec.factors] == [
        "Goals and values",
        "Leadership and governance",
        "Key business processes and pathways",
        "Innovation and continued improvement",
        "Risk management",
        "Collaborative culture",
        "Collaborative behaviour",
        "Skills and capabilities",
        "Staff motivation and satisfaction",
    ]
    assert [level.name for level in spec.levels] == [
        "Separate",
        "Connecting",
        "Coordinating",
        "Collaborating",
        "Integrated",
    ]
    assert [h.key for h in spec.horizons] == ["now", "1y", "2y"]
    assert spec.role_levels == ["Chief officer", "Senior leader", "Manager", "Front line"]
    assert all(len(f.descriptors) == 5 for f in spec.factors)
    assert [a.kind for a in spec.agenda] == [
        "info",
        "question",
        "values",
        "dots",
        "maturity",
        "ranking",
        "triangle",
        "actions",
        "info",
    ]
    assert spec.agenda[0].title.startswith("Welcome") and spec.agenda[3].settings["source"] == "values"
    assert {"Council", "NHS trust", "Police", "Fire and rescue", "Voluntary and community sector"} <= set(
        spec.organisations
    )


def _broken(tmp_path: Path, text: str, name: str = "broken") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _shipped_with(old: str, new: str) -> str:
    text = SHIPPED.read_text(encoding="utf-8").replace('name = "cyp-integration"', 'name = "broken"', 1)
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('title = "Integrating', 'titel = "Integrating', "title: Field required"),
        ("minutes = 15", "minutes = -5", "agenda[0].minutes: Input should be greater than or equal to 0"),
        ('kind = "info"', 'kind = "poll"', "agenda[0]: unknown activity kind 'poll'"),
        (
            '    "Each organisation chases its own targets; there is no shared purpose statement for '
            'children and young people (CYP).",\n',
            "",
            "factors[0] (Goals and values): has 4 descriptors, needs 5 (one per level)",
        ),
        ('key = "risk-management"', 'key = "goals-and-values"', "factors: 'goals-and-values' appears twice"),
        ("{ value = 2,", "{ value = 7,", "levels must be numbered 1, 2, 3, … in order"),
        ('key = "1y"', 'key = "One Year"', "horizons[1].key: String should match pattern"),
    ],
)
def test_broken_template_names_file_field_and_problem(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = _broken(tmp_path, _shipped_with(old, new))
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_toml_syntax_error_gives_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'name = "broken"\ntitle = "unterminated\n')
    with pytest.raises(TemplateError, match=r"broken\.toml: not valid TOML: .*line 2"):
        load_template(path)


def test_name_must_match_file(tmp_path: Path) -> None:
    path = _broken(tmp_path, SHIPPED.read_text(encoding="utf-8"), name="other")
    with pytest.raises(TemplateError, match="must match the file name 'other'"):
        load_template(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(TemplateError, match="not UTF-8"):
        load_template(path)


def test_user_templates_are_found_and_broken_ones_reported(workshop_home: Path, tmp_path: Path) -> None:
    folder = locations.user_templates_dir()
    folder.mkdir(parents=True)
    mine = SHIPPED.read_text(encoding="utf-8").replace('name = "cyp-integration"', 'name = "my-own"')
    (folder / "my-own.toml").write_text(mine.replace("Integrating services", "Our own"), encoding="utf-8")
    (folder / "bad.toml").write_text("name = [", encoding="utf-8")
    found = discover()
    assert found["my-own"].spec is not None and found["my-own"].spec.title.startswith("Our own")
    assert found["cyp-integration"].spec is not None
    assert found["bad"].spec is None and "not valid TOML" in (found["bad"].error or "")
    with pytest.raises(TemplateError, match=r"bad\.toml"):
        get_template("bad")
    with pytest.raises(
        TemplateError, match=r"no template called 'nope' \(known templates: bad, cyp-integration, my-own\)"
    ):
        get_template("nope")


def test_extra_template_folder_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    text = SHIPPED.read_text(encoding="utf-8").replace('name = "cyp-integration"', 'name = "extra-one"')
    (extra / "extra-one.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("WORKSHOP_TEMPLATES", str(extra))
    assert get_template("extra-one").name == "extra-one"
