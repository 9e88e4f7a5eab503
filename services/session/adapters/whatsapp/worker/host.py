"""In a worker process: runs the clients the service opened here, one call at a time per frame.

A client that was disconnected or replaced (the same session opened again) leaves the table at
once, so no later call can reach it: calls name a client id, never a session.
"""

import asyncio
import itertools
import os
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from runtime.logging import get_logger
from services.session.adapters.whatsapp.groups import GroupFailed
from services.session.adapters.whatsapp.neonize.client import PairingFailed
from services.session.adapters.whatsapp.neonize.options import NeonizeOptions
from services.session.adapters.whatsapp.neonize.port import NeonizePort
from services.session.adapters.whatsapp.port import OutgoingMedia, SendFailed, WhatsAppClient
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.chat_calls import run_chat_call
from services.session.adapters.whatsapp.worker.forwarding import ForwardedEvents
from services.session.adapters.whatsapp.worker.group_calls import answer_group_call

__all__ = ["WorkerHost"]

log = get_logger("whatsapp.worker")


class WorkerHost:
    def __init__(self, config: p.Configure, writer: asyncio.StreamWriter) -> None:
        self.options = NeonizeOptions(
            device_name=config.device_name,
            worker_threads=config.threads,
            stop_wait=timedelta(seconds=config.stop_wait_s),
            registration_grace=config.registration_grace_s,
        )
        self.port = NeonizePort(
            data_dir=Path(config.data_dir), db_url=config.db_url, options=self.options
        )
        self.config, self._writer = config, writer
        self.clients: dict[int, WhatsAppClient] = {}
        self._by_session: dict[tuple[str, str], int] = {}
        self._acks: dict[int, asyncio.Future[None]] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()

    def handle(self, message: p.ToWorker) -> None:
        match message:
            case p.Open():
                self._spawn(self._open(message))
            case p.Call():
                self._spawn(self._answer(message))
            case p.EventDone(id=done):
                ack = self._acks.pop(done, None)
                if ack is not None and not ack.done():
                    ack.set_result(None)
            case p.Ping(seq=seq):
                leaked = self.options.leaked_threads
                p.write_frame(self._writer, p.Pong(seq=seq, leaked_threads=leaked))
            case p.Die(code=code):
                log.warning("worker.told_to_die", code=code, pid=os.getpid())
                os._exit(code)
            case p.Hang():
                log.warning("worker.told_to_hang", pid=os.getpid())
                threading.Event().wait()  # the loop never runs again; the process lives

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _open(self, message: p.Open) -> None:
        key = (message.tenant, message.session)
        old = self._by_session.get(key)
        if old is not None and old in self.clients:
            log.warning("worker.client_replaced", tenant=key[0], session=key[1], old=old)
            await self.clients.pop(old).disconnect()

        async def emit(kind: Any, **fields: Any) -> None:
            await self._emit(message.client, kind, fields)

        events = ForwardedEvents(emit)
        self.clients[message.client] = self.port.new_client(
            tenant=message.tenant, session=message.session, events=events
        )
        self._by_session[key] = message.client

    async def _emit(self, client: int, kind: Any, fields: dict[str, Any]) -> None:
        if client not in self.clients:
            return  # stopped or replaced: its late events are not the session's any more
        event_id = next(self._ids)
        ack = asyncio.get_running_loop().create_future()
        self._acks[event_id] = ack
        p.write_frame(self._writer, p.Event(id=event_id, client=client, kind=kind, **fields))
        await ack

    def stats(self) -> p.Stats:
        return p.Stats(
            clients=len(self.clients),
            threads_in_use=self.options.threads_in_use,
            threads=self.config.threads,
            leaked_threads=self.options.leaked_threads,
        )

    async def _answer(self, call: p.Call) -> None:
        try:
            reply = await self._run(call)
        except PairingFailed as exc:
            reply = p.Reply(
                id=call.id,
                ok=False,
                failure="pairing_failed",
                error=str(exc),
                retryable=exc.retryable,
            )
        except GroupFailed as exc:
            reply = p.Reply(id=call.id, ok=False, failure="group_failed", value=exc.code,
                            error=str(exc))  # fmt: skip
        except SendFailed as exc:
            reply = p.Reply(
                id=call.id, ok=False, failure="send_failed", error=str(exc), retryable=exc.retryable
            )
        except Exception as exc:
            log.warning("worker.call_failed", op=call.op, error=str(exc))
            reply = p.Reply(id=call.id, ok=False, error=str(exc) or type(exc).__name__)
        p.write_frame(self._writer, reply)

    async def _run(self, call: p.Call) -> p.Reply:
        if call.op == "stats":
            return p.Reply(id=call.id, ok=True, stats=self.stats())
        client = self.clients.get(call.client)
        if client is None:
            error = f"client {call.client} was stopped or replaced: not called again"
            return p.Reply(id=call.id, ok=False, failure="unknown_client", error=error)
        match call.op:
            case "connect":
                full = self._full()
                if full:
                    return p.Reply(id=call.id, ok=False, failure="capacity", error=full)
                await client.connect()
            case "pair_phone":
                return p.Reply(id=call.id, ok=True, value=await client.pair_phone(call.phone))
            case "send_text":
                await client.send_text(chat_jid=call.chat_jid, text=call.text,
                                       message_id=call.message_id, quote=call.quote)  # fmt: skip
            case "send_media" if call.media is not None:
                media = OutgoingMedia(descriptor=call.media, path=call.path)
                await client.send_media(chat_jid=call.chat_jid, media=media,
                                        message_id=call.message_id, quote=call.quote)  # fmt: skip
            case "send_card":
                card = call.location or call.contact
                if card is None:
                    raise SendFailed("send_card without a card", retryable=False)
                await client.send_card(chat_jid=call.chat_jid, card=card,
                                       message_id=call.message_id, quote=call.quote)  # fmt: skip
            case "send_action":
                if call.target is None or call.action is None:
                    raise SendFailed("send_action without a target", retryable=False)
                await client.send_action(target=call.target, action=call.action,
                                         message_id=call.message_id)  # fmt: skip
            case "download_media":
                data = await client.download_media(media_ref=call.data)
                return p.Reply(id=call.id, ok=True, data=data)
            case "group":
                return p.Reply(id=call.id, ok=True, data=await answer_group_call(client, call.data))
            case "chat":
                return p.Reply(id=call.id, ok=True, data=await run_chat_call(client, call.data))
            case "logout":
                await client.logout()
            case "forget":
                await client.forget()
            case "disconnect":
                self._drop(call.client)
                await client.disconnect()
        return p.Reply(id=call.id, ok=True)

    def _full(self) -> str:
        """Why no new connection may start here (each holds a thread), or "" when one may."""
        leaked, most = self.options.leaked_threads, self.config.leaked_threads_max
        if leaked >= most:
            return (
                f"this neonize worker has {leaked} stuck threads (at most {most}); it is being "
                "replaced, so no new connection starts in it"
            )
        in_use, size = self.options.threads_in_use, self.config.threads
        if in_use + 1 + self.config.reserve_threads <= size:
            return ""
        return (
            f"this neonize worker has {in_use} of its {size} threads in use; no new "
            f"connection starts ({self.config.reserve_threads} are kept for calls)"
        )

    def _drop(self, client: int) -> None:
        self.clients.pop(client, None)
        for key, held in list(self._by_session.items()):
            if held == client:
                del self._by_session[key]
