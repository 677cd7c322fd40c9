"""Cover art at the sizes pages show it: a 1400-3000 px cover shown at 96 px on a card costs a phone
the whole file. Each picture gets JPEG thumbnails of 96, 192 and 384 px (one, two and four device pixels
per CSS pixel of the largest place it is shown), named by the picture's digest, made once and kept in the
cache, so a rebuild makes none and a fresh clone makes each once.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from .writer import write_atomic

SIZES = (96, 192, 384)
FOLDER = "assets/podcast/thumbs/"
QUALITY = 82


def thumbnail_set(data: bytes, cache_dir: Path) -> dict[int, tuple[str, bytes]]:
    """size -> (site path, JPEG bytes) of the picture `data` (a checked square PNG or JPEG)."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    made: dict[int, tuple[str, bytes]] = {}
    for size in SIZES:
        name = f"{digest}-{size}.jpg"
        kept = cache_dir / "thumbs" / name
        try:
            thumb = kept.read_bytes()
        except OSError:
            thumb = shrink(data, size)
            write_atomic(kept, thumb, durable=False)
        made[size] = (FOLDER + name, thumb)
    return made


def shrink(data: bytes, size: int) -> bytes:
    """The picture scaled to fit `size` x `size` px, as a progressive JPEG."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        picture = picture.convert("RGB")
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        return out.getvalue()


def srcset(thumbs: dict[int, str], link) -> str:
    """The `srcset` value for thumbnails by size, each address made by `link` (relative to the page)."""
    return ", ".join(f"{link(uri)} {size}w" for size, uri in sorted(thumbs.items()))
