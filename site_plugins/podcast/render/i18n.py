"""UI labels in the site's language (Chinese and English; English for anything else)."""

from __future__ import annotations

import re
from datetime import date

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "transcript": "Transcript",
        "contents": "Contents",
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
        "scheduled": "Scheduled",
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
        "files": "Files",
        "subtitles": "Subtitles",
        "other_apps": "Other apps",
        "copy_address": "Copy",
        "copied": "Copied",
        "other_apps_help": "In any other podcast app, choose “Add by URL” (or “Add RSS feed”) and paste this address.",
        "not_found": "Page not found",
        "not_found_text": "There is no page at this address. Search the episodes, or listen to one of the latest:",
        "skip": "Skip to content",
        "synthetic_voice": "The hosts' voices in this episode are synthetic speech.",
        "subscribe": "Subscribe",
        "search": "Search",
        "search_needs_js": "Search runs in the browser: turn on JavaScript to use it.",
        "search_results": "{count} results",
        "search_more": "More results",
        "search_missing": "The search index is missing: build the site to make it.",
        "broken_title": "Errors in {file}",
        "broken_explain": ("This episode file has errors, so the episode is left out of the site. "
                           "Each problem below shows its line and how to fix it."),
        "broken_reload": ("Fix the file and save it: this page reloads by itself and shows the episode. "
                          "Only the preview (mkdocs serve) shows this page."),
        "broken_notice": "Episode files with errors",
        "broken_notice_explain": ("These episodes are left out of the site until their files are fixed. "
                                  "Only the preview shows this notice."),
        "broken_count": "{count} errors",
        "broken_count_one": "1 error",
        "warning": "Warning",
    },
    "zh": {
        "transcript": "文字稿",
        "contents": "目录",
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
        "scheduled": "定时发布",
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
        "files": "文件",
        "subtitles": "字幕",
        "other_apps": "其他应用",
        "copy_address": "复制",
        "copied": "已复制",
        "other_apps_help": "在其他播客应用中选择“通过网址添加”（或“添加 RSS 订阅”），粘贴这个地址即可。",
        "not_found": "找不到这个页面",
        "not_found_text": "这个地址没有页面。可以搜索节目，或收听最新的几期：",
        "skip": "跳到正文",
        "synthetic_voice": "本期节目中主播的声音由语音合成生成。",
        "subscribe": "订阅",
        "search": "搜索",
        "search_needs_js": "搜索在浏览器中运行：请启用 JavaScript。",
        "search_results": "找到 {count} 个结果",
        "search_more": "更多结果",
        "search_missing": "缺少搜索索引：请先构建网站。",
        "broken_title": "{file} 有错误",
        "broken_explain": "这个节目文件有错误，因此这期节目暂不发布。下面每个问题都标出了所在的行和修正方法。",
        "broken_reload": "修正并保存文件后，本页会自动刷新并显示节目。此页面只在预览（mkdocs serve）中出现。",
        "broken_notice": "有错误的节目文件",
        "broken_notice_explain": "这些节目在文件修正之前不会发布。此提示只在预览中显示。",
        "broken_count": "{count} 个错误",
        "broken_count_one": "1 个错误",
        "warning": "警告",
    },
    "zh-Hant": {
        "transcript": "文字稿",
        "contents": "目錄",
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
        "scheduled": "定時發佈",
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
        "files": "檔案",
        "subtitles": "字幕",
        "other_apps": "其他應用程式",
        "copy_address": "複製",
        "copied": "已複製",
        "other_apps_help": "在其他播客應用程式中選擇「透過網址新增」（或「新增 RSS 訂閱」），貼上這個地址即可。",
        "not_found": "找不到這個頁面",
        "not_found_text": "這個地址沒有頁面。可以搜尋節目，或收聽最新的幾期：",
        "skip": "跳到正文",
        "synthetic_voice": "本期節目中主播的聲音由語音合成生成。",
        "subscribe": "訂閱",
        "search": "搜尋",
        "search_needs_js": "搜尋在瀏覽器中執行：請啟用 JavaScript。",
        "search_results": "找到 {count} 個結果",
        "search_more": "更多結果",
        "search_missing": "缺少搜尋索引：請先建置網站。",
        "broken_title": "{file} 有錯誤",
        "broken_explain": "這個節目檔案有錯誤，因此這期節目暫不發佈。下面每個問題都標出了所在的行和修正方法。",
        "broken_reload": "修正並儲存檔案後，本頁會自動重新載入並顯示節目。此頁面只在預覽（mkdocs serve）中出現。",
        "broken_notice": "有錯誤的節目檔案",
        "broken_notice_explain": "這些節目在檔案修正之前不會發佈。此提示只在預覽中顯示。",
        "broken_count": "{count} 個錯誤",
        "broken_count_one": "1 個錯誤",
        "warning": "警告",
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


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def text_language(text: str, page_language: str) -> str:
    """The language of a part of a page when its script shows it is not the page's ('' otherwise): English
    words on a Chinese page ('en'), Chinese on a page in another language ('zh'). Screen readers switch voice."""
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    if page_language.lower().startswith(("zh", "ja", "ko")):
        return "en" if latin > 4 * han else ""
    return "zh" if han * 2 > latin else ""


def month_label(labels: dict[str, str], day: date) -> str:
    """A month heading that never depends on the machine's locale."""
    return labels["month"].format(year=day.year, month=day.month, month_name=_MONTHS[day.month - 1])
