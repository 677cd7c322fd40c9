"""Numbers and dates read by value from English and Chinese text, however they are written.

"45.8 billion", "458亿", "四百五十八亿" and "45,800,000,000" are one value; "22%", "22 per cent" and
"百分之二十二" one percentage; "一九九八年" the year 1998. "两百多亿" and "200多亿" are more than
20 000 000 000 (`Figure.more`), "约3000亿" about that much. Dates are (month, day): "12月9日", "十二月九日",
"December 9", "9 Dec" and "2025-12-09" are one date; a date's day and month are not numbers of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SMALL = 10
"""Numbers up to this are left alone: "two hosts", "第一" and the like are everywhere."""
_SCALES = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千": 1e3, "百万": 1e6, "千万": 1e7,
           "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9, "k": 1e3}
_NUMBER = re.compile(r"(?<![0-9A-Za-z.,])(?P<about>约|大约|近|将近|超过|逾)?(?P<pre>百分之)?"
                     r"(?P<value>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?\s*(?P<more>多|余)?"
                     r"(?P<scale>万亿|百万|千万|万|亿|千|thousand|million|billion|trillion|mn|bn|k\b)?\s*"
                     r"(?P<percent>%|％|per ?cent|percent)?", re.I)
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_HAN_NUMBER = re.compile(r"(?P<about>约|大约|近|将近|超过|逾)?(?P<percent>百分之)?"
                         r"(?P<value>[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
                         r"(?:点[零〇一二三四五六七八九]+)?)(?P<more>多|余)?(?P<scale>万亿|亿|万)?(?P<year>年)?")
_MONTHS = {name: number for number, names in enumerate(
    ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
     "september sept sep", "october oct", "november nov", "december dec"), start=1) for name in names.split()}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = re.compile(
    rf"(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?!\d)"
    rf"|(?P<cm>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})月(?P<cd>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})[日号]"
    rf"|(?<![A-Za-z])(?P<em>{_MONTH})\.?\s+(?P<ed>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?(?![A-Za-z])"
    rf"|(?<![\dA-Za-z])(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm>{_MONTH})(?![A-Za-z])\.?", re.I)


@dataclass(frozen=True, slots=True, order=True)
class Figure:
    value: float
    percent: bool = False
    more: bool = False
    """Written as "more than" (多, 余, 超过): the true value is above `value`, by less than itself."""
    about: bool = False
    """Written as "about" (约, 近): within a fifth of `value`."""

    def matches(self, other: Figure) -> bool:
        """Whether `other`, a figure of the article, can be what this one says."""
        if self.percent and not other.percent:
            return False
        value, exact = other.value, self.value
        if self.more:
            return exact <= value < 2 * exact
        if self.about:
            return abs(value - exact) <= 0.2 * abs(exact)
        # Large figures are rounded in translation (1019亿 for 101.9 billion): within 0.5 %; small ones exactly.
        return abs(value - exact) <= (0.005 * abs(exact) if abs(exact) >= 10_000 else 1e-9)


def figures(text: str) -> dict[Figure, str]:
    """Every number of `text` with more than one digit's worth, as written; dates' days and months left out."""
    text = _DATES.sub(_blank_day_and_month, text)
    found: dict[Figure, str] = {}
    for match in _NUMBER.finditer(text):
        value = float(match["value"].replace(",", "") + (match["fraction"] or ""))
        value *= _SCALES.get((match["scale"] or "").lower(), 1)
        percent = bool(match["percent"] or match["pre"])
        if value > SMALL or match["fraction"] or percent:
            found.setdefault(_figure(value, percent, match),
                             match.group().strip())
    for match in _HAN_NUMBER.finditer(text):
        value = han_value(match["value"], year=bool(match["year"]))
        if value is not None:
            value *= _SCALES.get(match["scale"] or "", 1)
        if value is not None and (value > SMALL or match["percent"] or "点" in match["value"]):
            found.setdefault(_figure(value, bool(match["percent"]), match),
                             match.group().strip())
    return found


def _figure(value: float, percent: bool, match: re.Match) -> Figure:
    over = match["about"] in ("超过", "逾")
    return Figure(value, percent, more=bool(match["more"]) or over, about=bool(match["about"]) and not over)


def han_value(text: str, *, year: bool = False) -> float | None:
    """The value of a number in Chinese numerals: '四千五百八十万' 45 800 000, '三千五' 3 500, '三点五' 3.5, and a
    year read digit by digit ('一九九八' before 年); None for what is no number ('一一', '两三': one by one, two
    or three)."""
    whole, _, fraction = text.partition("点")
    if not any(c in _UNITS or c in "万亿" for c in whole):
        if year and len(whole) == 4:
            return float("".join(str(_DIGITS[c]) for c in whole))
        if len(whole) > 1:
            return None
    total = section = 0.0
    digit, last = None, 1.0  # `last`: the unit just passed, which a bare last digit counts a tenth of
    for char in whole:
        if char in _DIGITS:
            digit = _DIGITS[char]
            last = 10.0 if char in "零〇" else last  # after 零 a digit is ones: 一百零五 is 105
        elif char in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[char]
            digit, last = None, float(_UNITS[char])
        else:  # 万 or 亿: everything so far is counted in it
            scale = 1e4 if char == "万" else 1e8
            total = (total + section + (digit or 0)) * scale if char == "亿" or total < scale \
                else total + (section + (digit or 0)) * scale
            section, digit, last = 0.0, None, scale
    # A digit after a unit counts in the next lower unit: 三千五 is 3 500, 一万二 is 12 000, 十五 is 15.
    value = total + section + (digit or 0) * max(1.0, last / 10)
    if fraction:
        value += float("0." + "".join(str(_DIGITS[c]) for c in fraction))
    return value


def dates(text: str) -> dict[tuple[int, int], str]:
    """Every (month, day) `text` names, as written."""
    found: dict[tuple[int, int], str] = {}
    for match in _DATES.finditer(text):
        date = _month_day(match)
        if date:
            found.setdefault(date, match.group())
    return found


def _month_day(match: re.Match) -> tuple[int, int] | None:
    if match["iy"]:
        month, day = int(match["im"]), int(match["id"])
    elif match["cm"]:
        month, day = (int(v) if v.isdigit() else int(han_value(v) or 0) for v in (match["cm"], match["cd"]))
    elif match["em"]:
        month, day = _MONTHS[match["em"].lower()], int(match["ed"])
    else:
        month, day = _MONTHS[match["dm"].lower()], int(match["dd"])
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _blank_day_and_month(match: re.Match) -> str:
    """A date with its day and month blanked (a year written with it stays a number)."""
    if match["iy"]:
        return match["iy"] + " " * (len(match.group()) - len(match["iy"]))
    return " " * len(match.group())
