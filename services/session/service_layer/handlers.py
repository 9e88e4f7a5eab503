"""Command handlers: each decides, appends its events, and answers at once."""

from contracts.commands import Accepted, CommandReply, CreateSession, Refused, SessionCommand
from contracts.envelope import make_event
from contracts.events import SessionCreated
from runtime.eventlog import EventPublisher


class SessionHandlers:
    def __init__(self, publisher: EventPublisher) -> None:
        self._publisher = publisher
        self._known: set[tuple[str, str]] = set()

    async def handle(self, command: SessionCommand) -> CommandReply:
        match command:
            case CreateSession():
                return await self._create(command)
            case _:
                return Refused(code="not_implemented", message="command not implemented yet")

    async def _create(self, cmd: CreateSession) -> CommandReply:
        if (cmd.tenant, cmd.session) in self._known:
            return Refused(code="already_exists", message="session already exists")
        event = make_event(
            SessionCreated(name=cmd.name),
            tenant=cmd.tenant,
            session=cmd.session,
            correlation_id=cmd.correlation_id,
        )
        seq = await self._publisher.publish(event)
        self._known.add((cmd.tenant, cmd.session))
        return Accepted(session=cmd.session, status="new", sequence=seq)
