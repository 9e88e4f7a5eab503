"""neonize's async client with WhatsApp cut off at its edge: the media upload and the send are
recorded and answered here; everything above them (the build_* calls) is neonize's own."""

import hashlib
from typing import Any

from neonize.aioze.client import NewAClient
from neonize.proto.Neonize_pb2 import JID, SendResponse, UploadResponse
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from neonize.utils.enum import MediaType


class FakeNeo(NewAClient):
    """No Go client behind it: ``upload`` and ``send_message`` are WhatsApp's side."""

    def __init__(self, *, send_error: Exception | None = None) -> None:  # no Go client
        self.uploads: list[bytes] = []
        self.sent: list[tuple[JID, Message]] = []
        self.send_error = send_error

    @property
    def is_connected(self) -> bool:  # type: ignore[override]
        return True

    async def upload(self, binary: bytes, media_type: MediaType | None = None) -> UploadResponse:
        self.uploads.append(binary)
        digest = hashlib.sha256(binary).digest()
        return UploadResponse(url="https://mmg.example/f", DirectPath="/f", FileSHA256=digest,
                              FileLength=len(binary), MediaKey=b"k" * 32)  # fmt: skip

    async def send_message(  # type: ignore[override]
        self, to: JID | str, message: Message | str, *a: Any, **kw: Any
    ) -> SendResponse:
        if self.send_error is not None:
            raise self.send_error
        assert isinstance(to, JID) and isinstance(message, Message)
        self.sent.append((to, message))
        return SendResponse(ID=f"WA{len(self.sent)}")


class RecordingNeo(FakeNeo):
    """Also records which build_* call each file went to, with its arguments, and builds a
    bare message of that kind (video and audio builds need ffmpeg, which tests do not)."""

    def __init__(self) -> None:
        super().__init__()
        self.builds: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def _built(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Message:
        self.builds.append((name, args, kwargs))
        field = name.removeprefix("build_").removesuffix("_message") + "Message"
        message = Message()
        getattr(message, field).SetInParent()
        return message

    async def build_image_message(self, *a: Any, **kw: Any) -> Message:  # type: ignore[override]
        return self._built("build_image_message", a, kw)

    async def build_video_message(self, *a: Any, **kw: Any) -> Message:  # type: ignore[override]
        return self._built("build_video_message", a, kw)

    async def build_audio_message(self, *a: Any, **kw: Any) -> Message:  # type: ignore[override]
        return self._built("build_audio_message", a, kw)

    async def build_document_message(self, *a: Any, **kw: Any) -> Message:  # type: ignore[override]
        return self._built("build_document_message", a, kw)

    async def build_sticker_message(self, *a: Any, **kw: Any) -> Message:  # type: ignore[override]
        return self._built("build_sticker_message", a, kw)
