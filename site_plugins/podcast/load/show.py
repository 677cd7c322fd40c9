"""The show as podcast apps see it: Apple's categories, the cover's rules, absolute URLs."""

from __future__ import annotations

import struct
from pathlib import Path

from ..errors import SettingsError
from ..model import Cover
from ..recordings import project_file, read_regular

APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies", "Home & Garden",
                "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary", "Politics", "Sports News",
             "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion",
                                "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics", "Natural Sciences",
                "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby",
               "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}
SHOW_TYPES = ("episodic", "serial")
DIRECTORIES = {"applepodcasts": "Apple Podcasts", "spotify": "Spotify", "pocketcasts": "Pocket Casts",
               "overcast": "Overcast", "antennapod": "AntennaPod"}
"""The podcast apps whose pages the `links` option names by key (apple_podcasts, ...), in the order shown."""
COVER_MIN, COVER_MAX = 1400, 3000
MAX_IMAGE_BYTES = 10_000_000
"""Bytes of the cover or an episode's image: Apple asks for less than 512 KB, and every page's visitors
download it; a 3000 px square JPEG of a photograph is about 2 MB."""


def parse_category(value: str) -> tuple[tuple[str, ...], str | None]:
    """('News', 'Politics') from 'News > Politics', or a message naming the valid choices."""
    parts = tuple(p.strip() for p in value.split(">"))
    if parts[0] not in APPLE_CATEGORIES:
        return (), f"category '{parts[0]}' is not one of Apple's: {', '.join(APPLE_CATEGORIES)}"
    if len(parts) == 2 and parts[1] not in APPLE_CATEGORIES[parts[0]]:
        choices = ", ".join(APPLE_CATEGORIES[parts[0]]) or "none"
        return (), f"'{parts[1]}' is not a subcategory of {parts[0]} (choices: {choices})"
    if len(parts) > 2:
        return (), f"category '{value}' has more than one '>'; write 'Category > Subcategory'"
    return parts, None


def image_size(data: bytes) -> tuple[str, int, int] | None:
    """(MIME type, width, height) of a PNG or JPEG, read from its header; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return "image/png", width, height
    if not data.startswith(b"\xff\xd8"):
        return None
    offset = 2
    while offset + 9 < len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        length = struct.unpack(">H", data[offset + 2:offset + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[offset + 5:offset + 9])
            return "image/jpeg", width, height
        offset += 2 + length
    return None


def colour_mode(data: bytes) -> str:
    """'RGB', or what else a PNG or JPEG holds: 'RGBA', 'grey', 'grey with alpha', 'CMYK', 'transparent'."""
    if data.startswith(b"\x89PNG"):
        kind = data[25] if len(data) > 25 else 2
        if kind == 3 and b"tRNS" in data[:data.find(b"IDAT")]:
            return "transparent"
        return {0: "grey", 4: "grey with alpha", 6: "RGBA"}.get(kind, "RGB")
    offset = 2
    while offset + 10 < len(data) and data[offset] == 0xFF:
        marker, length = data[offset + 1], struct.unpack(">H", data[offset + 2:offset + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            return {1: "grey", 4: "CMYK"}.get(data[offset + 9], "RGB")
        offset += 2 + length
    return "RGB"


def check_cover(data: bytes, name: str) -> str | None:
    """A message when the cover breaks Apple's rules: square, 1400-3000 px, an RGB JPEG or PNG without alpha."""
    size = image_size(data)
    if size is None:
        return f"cover '{name}' is neither a JPEG nor a PNG image"
    _, width, height = size
    if width != height or not COVER_MIN <= width <= COVER_MAX:
        return (f"cover '{name}' is {width}x{height} px; podcast apps want a square "
                f"between {COVER_MIN}x{COVER_MIN} and {COVER_MAX}x{COVER_MAX} px")
    mode = colour_mode(data)
    if mode != "RGB":
        return (f"cover '{name}' is {mode}; Apple Podcasts wants RGB colour without transparency: export it "
                "as a JPEG, or as a PNG without an alpha channel")
    return None


def episode_image_problem(name: str, *, project_dir: Path) -> str:
    """What is wrong with an episode's `image:` ('' when nothing is): a file in the project, checked like the cover."""
    root = project_dir.resolve()
    path, problem = project_file(name, project_dir, "image file")
    if problem:
        return problem
    if not path.is_relative_to(root):
        return f"image file '{name}' is outside the project; keep images in the repository"
    if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        return f"image file '{name}' must be a JPEG or PNG named .jpg, .jpeg or .png"
    data, problem = read_regular(path, most=MAX_IMAGE_BYTES)
    if problem:
        return f"image file '{name}' {problem}"
    problem = check_cover(data, name)
    if problem:
        return problem.replace("cover '", "image file '", 1)
    mime = (image_size(data) or ("",))[0]
    if (mime == "image/png") != (path.suffix.lower() == ".png"):
        return f"image file '{name}' holds a {'PNG' if mime == 'image/png' else 'JPEG'}; rename it to match"
    return ""


def site_cover(project_dir: Path, path: str, *, origin: str = "mkdocs.yml") -> Cover | None:
    """`load_cover`, its problem worded as one of the site's settings (what check and the build report)."""
    try:
        return load_cover(project_dir, path)
    except SettingsError as exc:
        config = Path(origin) if Path(origin).exists() else project_dir / origin
        raise SettingsError(f"{_located(config, origin)}: podcast plugin settings: {exc}") from None


def _located(config: Path, origin: str) -> str:
    """'mkdocs.yml:14:14', the place of the `cover:` value, when the file says it on a line of its own."""
    try:
        lines = config.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return origin
    for number, line in enumerate(lines, start=1):
        key = line.lstrip()
        if key.startswith("cover:"):
            value = key[len("cover:"):]
            return f"{origin}:{number}:{len(line) - len(key) + len('cover:') + len(value) - len(value.lstrip()) + 1}"
    return origin


def load_cover(project_dir: Path, path: str) -> Cover | None:
    """The show's cover, checked against podcast apps' rules; SettingsError names what is wrong."""
    if not path:
        return None
    found, problem = project_file(path, project_dir, "cover")
    if not problem and not found.is_relative_to(project_dir.resolve()):
        problem = f"cover '{path}' is outside the project; keep the cover in the repository"
    if not problem:
        data, why = read_regular(found, most=MAX_IMAGE_BYTES)
        problem = f"cover '{path}' {why}" if why else ""
    if problem:
        raise SettingsError(problem)
    problem = check_cover(data, path)
    if problem:
        raise SettingsError(problem)
    size = image_size(data)
    assert size is not None
    return Cover(data, size[0])
