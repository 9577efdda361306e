"""Quick logs, contacts, follow-ups, the records list and drafts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from app.errors import ValidationFailed, WrongPassphrase
from app.services import ContactForm, RecordFilter, Services, VaultGate

NOW = dt.datetime(2024, 6, 1, 8, 30, 17).astimezone()


def test_quick_log_is_a_draft_and_listed_as_unfinished(services: Services) -> None:
    place = services.places.find_or_create("North gate")
    log = services.checkpoints.quick_save(
        outcome="delayed", observed_at=NOW, place_id=place
    )
    home = services.records.home()
    assert [r.id for r in home.unfinished] == [r.id for r in home.recent]
    row = home.recent[0]
    assert (str(row.id), row.status, row.incomplete, row.place_name) == (
        log,
        "draft",
        True,
        "North gate",
    )
    assert row.pending


def test_quick_choices_put_recently_used_first(services: Services) -> None:
    a = services.places.find_or_create("Alpha")
    services.places.find_or_create("Bravo")
    z = services.places.find_or_create("Zulu")
    services.checkpoints.quick_save(outcome="passed", observed_at=NOW, place_id=a)
    services.checkpoints.quick_save(outcome="passed", observed_at=NOW, place_id=z)
    assert [o.name for o in services.checkpoints.quick_choices().places] == [
        "Zulu",
        "Alpha",
        "Bravo",
    ]


def test_completing_a_log_keeps_entered_time_and_history(services: Services) -> None:
    log = services.checkpoints.quick_save(outcome="delayed", observed_at=NOW)
    form = services.checkpoints.form(log)
    form.delay_minutes, form.constraint, form.complete = (
        "45",
        "movement_restriction",
        True,
    )
    services.checkpoints.save(form)
    row = services.records.row(log)
    assert (row.status, row.incomplete) == ("complete", False)
    changed = {c.field for c in services.records.history(log)[1].changes}
    assert changed == {"delay_minutes", "constraint", "status"}
    assert services.checkpoints.form(log).observed_at == form.observed_at


def test_contact_rows_with_errors_name_the_row(services: Services) -> None:
    form = ContactForm(
        on="2024-13-40",
        commitments=[{"text": "", "due": "2024-07-01", "compliance": "pending"}],
        follow_ups=[{"id": "", "title": "Call back", "due": "soon", "status": "open"}],
    )
    with pytest.raises(ValidationFailed) as caught:
        services.contacts.save(form)
    assert caught.value.fields == {
        "on": "bad_date",
        "commitment_text:0": "required",
        "follow_up_due:0": "bad_date",
    }


def test_contact_saves_follow_ups_and_deletes_removed_ones(services: Services) -> None:
    form = services.contacts.new_form()
    form.follow_ups = [
        {"id": "", "title": "Send letter", "due": "", "status": "open"},
        {"id": "", "title": "Visit again", "due": "2024-08-01", "status": "open"},
    ]
    contact = services.contacts.save(form)
    again = services.contacts.form(contact)
    assert [f["title"] for f in again.follow_ups] == ["Visit again", "Send letter"]
    again.follow_ups = again.follow_ups[:1]
    services.contacts.save(again)
    assert [f["title"] for f in services.contacts.form(contact).follow_ups] == [
        "Visit again"
    ]
    kinds = [
        r.kind
        for r in services.records.query(RecordFilter(kinds=frozenset({"follow_up"})))
    ]
    assert kinds == ["follow_up"]


def test_planned_contact_is_upcoming_until_marked_done(services: Services) -> None:
    form = services.contacts.new_form(planned=True)
    form.on = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    form.interlocutor_role = "District commander"
    contact = services.contacts.save(form)
    assert [str(r.id) for r in services.contacts.upcoming()] == [contact]
    services.contacts.mark_done(contact)
    assert services.contacts.upcoming() == []
    assert services.contacts.form(contact).on == dt.date.today().isoformat()


def test_search_reads_decrypted_text_and_actor_aliases(services: Services) -> None:
    from app.services import ActorForm

    actor = services.actors.save(ActorForm(name="Brigade", aliases="Falcons"))
    form = services.contacts.new_form()
    form.actor_id, form.asks = actor, "Open the water point on Tuesdays"
    services.contacts.save(form)
    services.checkpoints.quick_save(outcome="passed", observed_at=NOW)
    assert len(services.records.query(RecordFilter(text="water tuesdays"))) == 1
    assert len(services.records.query(RecordFilter(text="falcons"))) == 1
    assert services.records.query(RecordFilter(text="nowhere")) == []


def test_filters_by_status_actor_and_dates(services: Services) -> None:
    services.checkpoints.quick_save(outcome="passed", observed_at=NOW)
    old = NOW - dt.timedelta(days=30)
    services.checkpoints.quick_save(outcome="passed", observed_at=old)
    in_june = RecordFilter(date_from=dt.date(2024, 5, 20), date_to=dt.date(2024, 6, 30))
    assert len(services.records.query(in_june)) == 1
    assert services.records.query(RecordFilter(statuses=frozenset({"complete"}))) == []
    assert (
        services.records.query(
            RecordFilter(actor_id="00000000-0000-4000-8000-000000000000")
        )
        == []
    )


def test_delete_leaves_a_tombstone_in_history(services: Services) -> None:
    log = services.checkpoints.quick_save(outcome="passed", observed_at=NOW)
    services.records.delete(log)
    assert services.records.query() == []
    assert services.records.history(log)[-1].deleted


def test_drafts_survive_a_lock_and_are_offered_once(
    gate: VaultGate, services: Services
) -> None:
    services.drafts.save(
        key="contact:new", route="/contact/new", form="contact", values={"asks": "x"}
    )
    services.drafts.mark_resume("contact:new")
    services.close()
    again = gate.unlock("correct horse battery")
    try:
        draft = again.drafts.take_resume()
        assert draft is not None and draft.values == {"asks": "x"}
        assert again.drafts.take_resume() is None
        again.drafts.discard("contact:new")
        assert again.drafts.all() == []
    finally:
        again.close()


def test_idle_timeout_preference_is_validated(services: Services) -> None:
    assert services.preferences.idle_timeout_s() == 300
    services.preferences.set_idle_timeout_s(60)
    assert services.preferences.idle_timeout_s() == 60
    with pytest.raises(ValidationFailed):
        services.preferences.set_idle_timeout_s(7)


def test_gate_refuses_mismatched_passphrases(gate: VaultGate) -> None:
    with pytest.raises(ValidationFailed) as caught:
        gate.create("correct horse battery", "correct horse batter")
    assert caught.value.fields == {"confirm": "mismatch"}
    assert not gate.exists()


def test_security_changes_passphrase_and_wipe_limit(
    gate: VaultGate, services: Services
) -> None:
    with pytest.raises(WrongPassphrase):
        services.security.change_passphrase(
            old="nope nope", new="new pass 123", confirm="new pass 123"
        )
    services.security.change_passphrase(
        old="correct horse battery", new="new pass 123", confirm="new pass 123"
    )
    with pytest.raises(WrongPassphrase):
        services.security.set_wipe_limit(5, passphrase="correct horse battery")
    services.security.set_wipe_limit(5, passphrase="new pass 123")
    assert services.security.wipe_limit() == 5
    with pytest.raises(WrongPassphrase) as caught:
        gate.unlock("correct horse battery")
    assert caught.value.remaining == 4
    with pytest.raises(ValidationFailed):
        services.security.set_wipe_limit(4, passphrase="new pass 123")


def test_duress_is_set_and_cleared(services: Services) -> None:
    real = "correct horse battery"
    services.security.set_duress(
        passphrase=real, duress="quiet river 9", confirm="quiet river 9"
    )
    assert services.security.has_duress(passphrase=real)
    services.security.clear_duress(passphrase=real)
    assert not services.security.has_duress(passphrase=real)


def test_conflicting_revisions_are_marked_in_the_list(services: Services) -> None:
    log_id = services.checkpoints.quick_save(outcome="passed", observed_at=NOW)
    store = services._store
    head = store.history(uuid.UUID(log_id))[-1]
    # Another phone edited the same revision: two heads now.
    other = head.model_copy(
        update={"rev": uuid.uuid4(), "parents": [head.rev], "notes": "other phone"}
    )
    mine = head.model_copy(update={"notes": "this phone"})
    store.save(mine)
    store.apply_remote([other])
    row = services.records.row(log_id)
    assert row.conflict
