"""``kv_keys`` on a real server: every key, deleted ones included (callers skip them), none
for an empty bucket, and never a key of another bucket."""

from runtime.bus import Bus
from runtime.kv_keys import kv_keys


async def test_every_key_of_the_bucket_and_only_its_own(bus: Bus) -> None:
    kv = await bus.js.create_key_value(bucket="keys_test", history=1)
    other = await bus.js.create_key_value(bucket="keys_test_other", history=1)
    assert await kv_keys(kv) == []
    for key in ("b", "a", "c.d"):
        await kv.put(key, b"1")
    await kv.put("a", b"2")  # a second revision is still one key
    await other.put("elsewhere", b"1")
    await kv.delete("c.d")
    assert await kv_keys(kv) == ["a", "b", "c.d"]
    assert await kv_keys(other) == ["elsewhere"]


async def test_many_keys_are_all_listed(bus: Bus) -> None:
    kv = await bus.js.create_key_value(bucket="many_keys", history=1)
    wanted = sorted(f"k{n:04d}" for n in range(1500))
    for key in wanted:
        await kv.put(key, b"x")
    assert await kv_keys(kv) == wanted
