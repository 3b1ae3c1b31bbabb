"""Every registered kind can be added mid-workshop with the settings it asks for, then opened and answered."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError
from sqlmodel import select

from tests.helpers.data import get_row, new_seat, save, start
from workshop import store, usecases
from workshop.activities import KINDS, get_activity
from workshop.activities.actions import AddAction
from workshop.activities.dots import DotsAnswers
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.question import AddAnswer
from workshop.activities.ranking import Ballot
from workshop.activities.triangle import AddIdea
from workshop.activities.values import AddValue
from workshop.db import Database
from workshop.models import AgendaItem, Entry, Organisation, row_id
from workshop.store.agenda import AgendaError
from workshop.store.entries import entries
from workshop.templates import get_template
from workshop.usecases.items import add_item, addable_kinds, entry_sources, refused_kinds, settings_problems

# What a facilitator types for each kind's asked settings; a dot vote's source is filled in by the test.
TYPED: dict[str, dict[str, str]] = {
    "info": {},
    "maturity": {},
    "values": {},
    "dots": {},
    "ranking": {"candidates": "A shared budget\n\n  Parent carers on the board  \n"},
    "triangle": {"priority": "Early help"},
    "question": {"prompt": "One word for today?"},
    "actions": {},
}


def added(
    db: Database, workshop_id: int, kind: str, typed: dict[str, str], title: str = "Added"
) -> AgendaItem:
    """Add an item through the use case, as the TUI's dialog does, at the end of the agenda."""
    with db.writing() as session:
        return add_item(session, workshop_id, kind, title, 10, None, typed)


def entry_ids(db: Database, item: AgendaItem) -> list[int]:
    with db.reading() as session:
        return [row_id(entry) for entry in entries(session, row_id(item))]


def answers(db: Database, workshop_id: int, item: AgendaItem, values_item: AgendaItem) -> object:
    """One phone's answers to the added item."""
    with db.reading() as session:
        fresh = get_row(session, AgendaItem, row_id(item))
        # Read now, while the session is open; only the ranking's ballot uses it.
        shape = get_activity(item.kind).structure(session, fresh) if item.kind == "ranking" else None
        matrix = load_structure(session, workshop_id)
        # The workshop's first organisation leads it (an organisation's id is the lead's key).
        first_lead = str(min(row_id(o) for o in session.exec(select(Organisation)).all()))
    options, needed = (shape.options, shape.needed) if shape is not None else ((), 0)
    made: dict[str, Callable[[], object]] = {
        "question": lambda: AddAnswer("Trust"),
        "values": lambda: AddValue("Care", "We look after each other"),
        "dots": lambda: DotsAnswers({entry_ids(db, values_item)[0]: 1}),
        "maturity": lambda: MatrixAnswers(
            {(row_id(f), row_id(h)): 3 for f in matrix.factors for h in matrix.horizons}, {}
        ),
        "ranking": lambda: Ballot(tuple(option.id for option in options[:needed])),
        "triangle": lambda: AddIdea("Walk to school together", "community", "a"),
        "actions": lambda: AddAction("Joint plan", first_lead, "2027-03"),
    }
    return made[item.kind]()


def test_every_kind_is_offered_or_refused_with_a_reason() -> None:
    offered = {kind.kind for kind in addable_kinds()}
    refused = refused_kinds()
    assert offered | set(refused) == set(KINDS) and not offered & set(refused)
    assert all(reason.strip() for reason in refused.values())
    assert set(TYPED) == set(KINDS), "a new kind: say what a facilitator types to add one"
    labels = {kind.kind: kind.label for kind in addable_kinds()}
    assert all(labels[kind] == KINDS[kind].label for kind in labels)


@pytest.mark.parametrize("kind", sorted(TYPED))
def test_each_kind_added_mid_workshop_opens_and_takes_an_answer(
    db: Database, workshop_id: int, kind: str
) -> None:
    # A values item added mid-workshop has no key: a dot vote on it gives it one.
    values_item = added(db, workshop_id, "values", {}, "Our values")
    start(db, values_item)
    save(db, values_item, new_seat(db, workshop_id), AddValue("Trust", "We trust each other"))
    typed = {"source": str(values_item.id)} if kind == "dots" else TYPED[kind]
    item = added(db, workshop_id, kind, typed)
    start(db, item)
    activity = get_activity(kind)
    with db.reading() as session:
        fresh = get_row(session, AgendaItem, row_id(item))
        assert fresh.state == "open" and fresh.kind == kind
        settings = fresh.config["settings"]
        # Stored as a template's would be: the model's every field, defaults filled in.
        assert settings == activity.settings_model.model_validate(settings).model_dump(mode="json")
    if not activity.accepts_responses:
        return
    save(db, item, new_seat(db, workshop_id), answers(db, workshop_id, item, values_item))
    with db.reading() as session:
        summary = activity.summarise(session, get_row(session, AgendaItem, row_id(item)))
    assert activity.answered(summary) == 1


def test_what_the_facilitator_typed_is_what_the_kind_uses(db: Database, workshop_id: int) -> None:
    question = added(db, workshop_id, "question", {"prompt": "  One word for today?  "})
    ranking = added(db, workshop_id, "ranking", TYPED["ranking"])
    with db.reading() as session:
        fresh = get_row(session, AgendaItem, row_id(question))
        assert get_activity("question").settings(fresh).prompt == "One word for today?"
        options = [get_row(session, Entry, entry_id).text for entry_id in entry_ids(db, ranking)]
    assert options == ["A shared budget", "Parent carers on the board"]


def test_a_dot_vote_keeps_a_template_key_and_gives_one_to_an_item_without(
    db: Database, workshop_id: int
) -> None:
    with db.reading() as session:
        items = store.agenda(session, workshop_id)
    template_values = next(i for i in items if i.kind == "values")
    fresh_values = added(db, workshop_id, "values", {}, "More values")
    on_template = added(db, workshop_id, "dots", {"source": str(template_values.id)})
    on_fresh = added(db, workshop_id, "dots", {"source": str(fresh_values.id)})
    on_fresh_again = added(db, workshop_id, "dots", {"source": str(fresh_values.id)})
    with db.reading() as session:
        sources = [
            get_activity("dots").settings(get_row(session, AgendaItem, row_id(i))).source
            for i in (on_template, on_fresh, on_fresh_again)
        ]
        fresh = get_row(session, AgendaItem, row_id(fresh_values))
        votes = [get_row(session, AgendaItem, row_id(i)) for i in (on_template, on_fresh)]
        shapes = [get_activity("dots").structure(session, vote) for vote in votes]
    assert sources == [template_values.config["key"], f"item-{fresh_values.id}", f"item-{fresh_values.id}"]
    assert fresh.config["key"] == f"item-{fresh_values.id}"
    assert [shape.source.id if shape.source else None for shape in shapes] == [
        template_values.id,
        fresh_values.id,
    ]


@pytest.mark.parametrize(
    ("kind", "typed", "says"),
    [
        ("question", {}, "Enter the question to ask."),
        ("question", {"prompt": "   "}, "Enter the question to ask."),
        ("question", {"prompt": "x" * 201}, "The question (phones show it): String should have at most 200"),
        ("triangle", {}, "Enter the priority."),
        ("dots", {}, "There is nothing to vote on"),
        ("ranking", {"candidates": "Budget\nbudget"}, "'budget' appears twice"),
        ("ranking", {"candidates": "A\n" + "x" * 121}, "(no. 2): String should have at most 120"),
        ("question", {"prompt": "Why?", "colour": "red"}, "Open question has no setting 'colour'."),
        ("poll", {}, "There is no kind of item called 'poll'."),
    ],
)
def test_bad_settings_are_refused_in_words(
    db: Database, workshop_id: int, kind: str, typed: dict[str, str], says: str
) -> None:
    assert any(says in problem for problem in settings_problems(kind, typed)), settings_problems(kind, typed)
    before = len(store_agenda(db, workshop_id))
    with db.writing() as session, pytest.raises(AgendaError) as refused:
        add_item(session, workshop_id, kind, "Refused", 10, None, typed)
    assert says in str(refused.value)
    assert len(store_agenda(db, workshop_id)) == before


def test_a_dot_vote_on_an_item_without_entries_or_from_elsewhere_is_refused(
    db: Database, workshop_id: int
) -> None:
    with db.writing() as session:
        other = usecases.create_workshop(session, get_template("cyp-integration"), "Another workshop")
        info = next(i for i in store.agenda(session, workshop_id) if i.kind == "info")
        elsewhere = next(i for i in store.agenda(session, row_id(other)) if i.kind == "values")
    for source in (str(info.id), str(elsewhere.id), "99999", "abc", "9" * 40):
        with db.writing() as session, pytest.raises(AgendaError, match="has entries to use"):
            add_item(session, workshop_id, "dots", "Vote", 10, None, {"source": source})


def test_a_bad_title_is_still_refused_by_the_item_model(db: Database, workshop_id: int) -> None:
    with db.writing() as session, pytest.raises(ValidationError):
        add_item(session, workshop_id, "question", "  ", 10, None, {"prompt": "Why?"})


def test_only_items_that_share_entries_are_sources(db: Database, workshop_id: int) -> None:
    items = store_agenda(db, workshop_id)
    assert entry_sources(items) == [(i.title, i.id) for i in items if i.kind == "values"]


def store_agenda(db: Database, workshop_id: int) -> list[AgendaItem]:
    with db.reading() as session:
        return list(store.agenda(session, workshop_id))
