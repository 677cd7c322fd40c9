"""UI labels in the site's language (Chinese and English; English for anything else)."""

from __future__ import annotations

from datetime import date

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "transcript": "Transcript",
        "summary": "Summary",
        "original": "Original article",
        "read_original": "Read original",
        "analysis": "Analysis",
        "related": "Related Podcasts",
        "latest": "Latest episodes",
        "categories": "Categories",
        "tags": "Tags",
        "archive": "Archive",
        "hosts": "Hosts",
        "for_listener": "Made for {listener}",
        "draft": "Draft",
        "page_of": "Page {page} of {pages}",
        "newer": "Newer episodes",
        "older": "Older episodes",
        "pagination": "Pages",
        "episodes_count": "{count} episodes",
        "category_title": "Category: {name}",
        "tag_title": "Tag: {name}",
        "player": "Player",
        "no_episodes": "No episodes yet.",
        "month": "{month_name} {year}",
        "download": "Download MP3",
        "chapters": "Chapters",
        "duration": "Length",
        "play": "Play",
        "pause": "Pause",
        "speed": "Speed",
        "seek": "Position",
        "source": "Source",
        "ai_generated": "This episode was written and voiced with AI.",
        "subscribe": "Subscribe",
    },
    "zh": {
        "transcript": "文字稿",
        "summary": "摘要",
        "original": "原文",
        "read_original": "阅读原文",
        "analysis": "分析",
        "related": "相关播客",
        "latest": "最新节目",
        "categories": "分类",
        "tags": "标签",
        "archive": "归档",
        "hosts": "主播",
        "for_listener": "专属于{listener}",
        "draft": "草稿",
        "page_of": "第 {page} 页，共 {pages} 页",
        "newer": "较新的节目",
        "older": "较早的节目",
        "pagination": "分页",
        "episodes_count": "{count} 期节目",
        "category_title": "分类：{name}",
        "tag_title": "标签：{name}",
        "player": "播放器",
        "no_episodes": "还没有节目。",
        "month": "{year}年{month}月",
        "download": "下载 MP3",
        "chapters": "章节",
        "duration": "时长",
        "play": "播放",
        "pause": "暂停",
        "speed": "语速",
        "seek": "播放位置",
        "source": "来源",
        "ai_generated": "本期节目由 AI 撰写并配音。",
        "subscribe": "订阅",
    },
    "zh-Hant": {
        "transcript": "文字稿",
        "summary": "摘要",
        "original": "原文",
        "read_original": "閱讀原文",
        "analysis": "分析",
        "related": "相關播客",
        "latest": "最新節目",
        "categories": "分類",
        "tags": "標籤",
        "archive": "歸檔",
        "hosts": "主播",
        "for_listener": "專屬於{listener}",
        "draft": "草稿",
        "page_of": "第 {page} 頁，共 {pages} 頁",
        "newer": "較新的節目",
        "older": "較早的節目",
        "pagination": "分頁",
        "episodes_count": "{count} 期節目",
        "category_title": "分類：{name}",
        "tag_title": "標籤：{name}",
        "player": "播放器",
        "no_episodes": "還沒有節目。",
        "month": "{year}年{month}月",
        "download": "下載 MP3",
        "chapters": "章節",
        "duration": "時長",
        "play": "播放",
        "pause": "暫停",
        "speed": "語速",
        "seek": "播放位置",
        "source": "來源",
        "ai_generated": "本期節目由 AI 撰寫並配音。",
        "subscribe": "訂閱",
    },
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_TRADITIONAL = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


def labels_for(language: str) -> dict[str, str]:
    """The label table for a BCP 47 code: zh-TW/zh-HK/zh-Hant → traditional, zh* → simplified."""
    code = language.lower()
    if code.startswith(_TRADITIONAL):
        return LABELS["zh-Hant"]
    return LABELS.get(code.split("-")[0], LABELS["en"])


def month_label(labels: dict[str, str], day: date) -> str:
    """A month heading that never depends on the machine's locale."""
    return labels["month"].format(year=day.year, month=day.month, month_name=_MONTHS[day.month - 1])
