"""The client's Go calls pass the Go maps' gate: asked for while a creation holds it, a send
(its connection check, its build, its send) and a file's build wait until the creation is done;
a Stop that comes while they are held back goes first."""

import asyncio
from pathlib import Path

from services.session.adapters.whatsapp.neonize.go_maps import go_maps
from tests.unit.neonize.fake_neo import RecordingNeo
from tests.unit.neonize.test_sent_media import TO, connected_client, outgoing


async def turns(n: int = 10) -> None:
    """A few loop turns (deterministic): whatever can run on now has run."""
    for _ in range(n):
        await asyncio.sleep(0)


async def test_sends_wait_while_a_creation_holds_the_go_maps(tmp_path: Path) -> None:
    neo, order = RecordingNeo(), []
    client = connected_client(tmp_path, neo)
    client._sent.whatsapp_id("warm-up")  # its table made before two sends look at it at once
    entered, leave = asyncio.Event(), asyncio.Event()

    async def create() -> None:
        async with go_maps().creating():
            entered.set()
            await leave.wait()
            order.append("created")

    async def stop() -> None:
        async with go_maps().stopping():
            order.append(f"stop with {len(neo.sent)} sent, {len(neo.builds)} built")

    creation = asyncio.ensure_future(create())
    await entered.wait()
    text = asyncio.ensure_future(client.send_text(chat_jid=TO, text="hi", message_id="m1"))
    media = outgoing(tmp_path, "image", b"x", "image/jpeg")
    file = asyncio.ensure_future(client.send_media(chat_jid=TO, media=media, message_id="m2"))
    await turns()
    stopping = asyncio.ensure_future(stop())
    await turns()
    assert neo.sent == [] and neo.builds == [] and not (text.done() or file.done())
    leave.set()
    await asyncio.gather(creation, stopping, text, file)
    assert order == ["created", "stop with 0 sent, 0 built"]
    assert len(neo.sent) == 2 and len(neo.builds) == 1
