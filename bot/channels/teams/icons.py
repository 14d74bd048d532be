"""The app package's two icons, drawn here and written as PNG with the standard library.

Teams wants a 192×192 full-colour icon and a 32×32 outline icon: white on a transparent
background. Both show the same speech bubble, so no image library or binary file is needed.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

ACCENT = (0x5B, 0x5F, 0xC7)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 3  # per axis and pixel, for smooth edges
Coverage = Callable[[float, float], bool]


def _bubble(x: float, y: float) -> bool:
    """A speech bubble in the unit square: a rounded rectangle with a tail at the bottom left."""
    left, right, top, bottom, radius = 0.16, 0.84, 0.2, 0.66, 0.12
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    in_box = left <= x <= right and top <= y <= bottom
    if in_box and (x - cx) ** 2 + (y - cy) ** 2 <= radius**2:
        return True
    tail = bottom <= y <= 0.84 and 0.26 <= x <= 0.26 + (0.84 - y) * 1.2
    return tail


def _outline(x: float, y: float, stroke: float = 0.085) -> bool:
    """The bubble's border only: inside it, but not inside the bubble shrunk by `stroke`."""
    if not _bubble(x, y):
        return False
    return not all(
        _bubble(x + dx, y + dy) for dx, dy in ((stroke, 0), (-stroke, 0), (0, stroke), (0, -stroke))
    )


def _coverage(shape: Coverage, size: int, px: int, py: int) -> float:
    hits = sum(
        shape((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)
        for sx in range(SAMPLES)
        for sy in range(SAMPLES)
    )
    return hits / SAMPLES**2


def colour_icon(size: int = 192) -> bytes:
    """The accent square with a white speech bubble and two lines of "text" in it."""
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            white = _coverage(_bubble, size, px, py)
            line = 0.3 <= px / size <= 0.7 and any(
                abs(py / size - mid) <= 0.03 for mid in (0.36, 0.5)
            )
            white = 0.0 if line else white
            rgb = [round(a * (1 - white) + b * white) for a, b in zip(ACCENT, WHITE, strict=True)]
            row += bytes((*rgb, 255))
        rows.append(bytes(row))
    return png(size, size, rows)


def outline_icon(size: int = 32) -> bytes:
    """White outline of the bubble on full transparency, as Teams requires."""
    rows = [
        b"".join(
            bytes((*WHITE, round(255 * _coverage(_outline, size, px, py)))) for px in range(size)
        )
        for py in range(size)
    ]
    return png(size, size, rows)


def png(width: int, height: int, rgba_rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG from rows of width×4 bytes."""
    raw = b"".join(b"\x00" + row for row in rgba_rows)  # filter type 0 on every row

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
