"""Whether a text is exactly one emoji (one grapheme), as a WhatsApp reaction must be. Pure."""

__all__ = ["is_single_emoji"]

ZWJ, VS16, VS15, KEYCAP, CANCEL_TAG = 0x200D, 0xFE0F, 0xFE0E, 0x20E3, 0xE007F
_PICTOGRAPHS = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x2190, 0x21FF),
    (0x25A0, 0x25FF),
    (0x2900, 0x297F),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x24C2, 0x24C2),
)
_SKIN = range(0x1F3FB, 0x1F400)
_REGIONAL = range(0x1F1E6, 0x1F200)
_TAGS = range(0xE0020, 0xE007F)
MAX_CODE_POINTS = 16


def _pictograph(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _PICTOGRAPHS) and cp not in _REGIONAL


def _element(cps: list[int], i: int) -> int:
    """The end of one emoji element starting at ``i`` (a pictograph and its modifiers), or -1."""
    if i >= len(cps) or not _pictograph(cps[i]) or cps[i] in _SKIN:
        return -1
    i += 1
    while i < len(cps) and (cps[i] in (VS16, VS15) or cps[i] in _SKIN):
        i += 1
    if i < len(cps) and cps[i] in _TAGS:  # a tag sequence: subdivision flags
        while i < len(cps) and cps[i] in _TAGS:
            i += 1
        if i >= len(cps) or cps[i] != CANCEL_TAG:
            return -1
        i += 1
    return i


def is_single_emoji(text: str) -> bool:
    """True for one emoji: a pictograph with its modifiers, a ZWJ sequence, a flag, a keycap."""
    cps = [ord(ch) for ch in text]
    if not cps or len(cps) > MAX_CODE_POINTS:
        return False
    if len(cps) == 2 and all(cp in _REGIONAL for cp in cps):  # a flag
        return True
    if chr(cps[0]) in "0123456789#*":  # a keycap: 1️⃣
        return cps[1:] in ([VS16, KEYCAP], [KEYCAP])
    i = _element(cps, 0)
    while 0 < i < len(cps):
        if cps[i] != ZWJ:
            return False
        i = _element(cps, i + 1)
    return i == len(cps)
