"""The SQL of the group row changes (see statements.py for the conventions)."""

from typing import Any

from sqlalchemy import Executable, and_, delete, false, true, update

from runtime.sql.engine import insert_for
from services.store.adapters.statements import AT, P
from services.store.adapters.tables import group_participants, groups
from services.store.domain.changes import Op

__all__ = ["build_group_statements"]


def build_group_statements(dialect: str) -> dict[Op, list[Executable]]:
    insert = insert_for(dialect)
    g, gp = groups, group_participants
    the_group = and_(g.c.tenant == P("tenant"), g.c.session_id == P("session_id"),
                     g.c.jid == P("group_jid"))  # fmt: skip
    its_people = and_(gp.c.tenant == P("tenant"), gp.c.session_id == P("session_id"),
                      gp.c.group_jid == P("group_jid"))  # fmt: skip
    person = {"tenant": P("tenant"), "session_id": P("session_id"),
              "group_jid": P("group_jid"), "jid": P("jid")}  # fmt: skip
    person_key = [gp.c.tenant, gp.c.session_id, gp.c.group_jid, gp.c.jid]

    def group_update(**values: Any) -> Executable:
        return update(g).where(the_group).values(updated_at=AT, **values)

    snapshot = insert(g).values(
        tenant=P("tenant"), session_id=P("session_id"), jid=P("group_jid"), subject=P("subject"),
        description=P("description"), owner_jid=P("owner_jid"), is_member=true(),
        first_seen_at=AT, updated_at=AT,
    )  # fmt: skip
    ex = snapshot.excluded
    refreshed = {
        "subject": ex.subject,
        "description": ex.description,
        "owner_jid": ex.owner_jid,
        "is_member": true(),
        "updated_at": ex.updated_at,
    }
    flags = {"is_admin": P("is_admin"), "is_super_admin": P("is_super_admin")}
    set_person = insert(gp).values(**person, **flags)
    role = insert(gp).values(**person, is_admin=P("is_admin"), is_super_admin=false())
    return {
        "group.snapshot": [
            snapshot.on_conflict_do_update(
                index_elements=[g.c.tenant, g.c.session_id, g.c.jid],
                set_=refreshed,
            ),
            delete(gp).where(its_people),
        ],
        "group.participant_set": [
            set_person.on_conflict_do_update(index_elements=person_key, set_=flags)
        ],
        "group.participant_added": [
            insert(gp)
            .values(**person, is_admin=false(), is_super_admin=false())
            .on_conflict_do_nothing(index_elements=person_key)
        ],
        "group.participant_removed": [delete(gp).where(its_people, gp.c.jid == P("jid"))],
        "group.participant_role": [
            role.on_conflict_do_update(
                index_elements=person_key, set_={"is_admin": role.excluded.is_admin}
            )
        ],
        "group.touched": [group_update()],
        "group.subject": [group_update(subject=P("subject"))],
        "group.description": [group_update(description=P("description"))],
        "group.left": [group_update(is_member=false())],
    }
