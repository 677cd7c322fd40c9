"""Speech engines: gTTS driven through its real code with HTTP answered by `responses`;
the offline engine making real speech."""

from __future__ import annotations

import base64
import json
import random
import re
import subprocess
from functools import cache
from urllib.parse import parse_qs

import pytest
import requests
import responses

from site_plugins.podcast.markup import split_for_speech
from site_plugins.podcast.mp3frames import duration_of, read_frames
from site_plugins.podcast.speech import FORMAT, EspeakEngine, GttsEngine, RateLimiter, RetryPolicy, SpeechError, Voice

from .checkers import require

pytestmark = pytest.mark.unit

OFFLINE = "Failed to resolve 'translate.google.com' ([Errno -3] Temporary failure in name resolution)"
"""What requests says on a machine without network: the engine must give up at once."""
ENDPOINT = re.compile(r"https://translate\.google\.[a-z.]+/_/TranslateWebserverUi/data/batchexecute")
CHINESE_LONG = ("严峻的经济压力、西方制裁的持续消耗，以及国内民生困境，共同将俄罗斯推向谈判桌。"
               "能源收入锐减、财政赤字飙升、黄金储备大量出售，这些都迫使莫斯科寻求和平解决方案。") * 3


@cache
def real_mp3(text: str = "测试") -> bytes:
    """Real MP3 bytes in gTTS's format, for the fake server to answer with."""
    return EspeakEngine().synthesize(text, Voice("zh-CN"))


def gtts_body(audio: bytes) -> str:
    """The shape of Google's batchexecute answer that gTTS parses."""
    encoded = base64.b64encode(audio).decode()
    return ')]}\'\n\n[["wrb.fr","jQ1olc","[\\"' + encoded + '\\"]",null,null,null,"generic"]]\n'


def engine(**kwargs) -> tuple[GttsEngine, list[float]]:
    waits: list[float] = []
    kwargs.setdefault("retry", RetryPolicy(attempts=3, base_delay=1.0))
    return GttsEngine(sleep=waits.append, rng=random.Random(1), requests_per_second=0, **kwargs), waits


def request_params(call) -> list:
    """[text, language, speed, ...] as gTTS packed them into a request body."""
    rpc = json.loads(parse_qs(call.request.body)["f.req"][0])
    return json.loads(rpc[0][0][1])


def test_splitter_fills_pieces_up_to_the_limit_at_punctuation():
    pieces = split_for_speech(CHINESE_LONG)
    assert len(CHINESE_LONG) == 237 and len(pieces) == 3
    assert all(len(p) <= 100 for p in pieces)
    assert "".join(pieces) == CHINESE_LONG
    assert all(p[-1] in "，。、" for p in pieces[:-1]), "cuts fall after punctuation"


def test_splitter_cuts_a_run_without_breaks_and_drops_bare_punctuation():
    assert split_for_speech("x" * 250) == ["x" * 100, "x" * 100, "x" * 50]
    assert split_for_speech("……") == []
    assert split_for_speech("Hello there. How are you?", 15) == ["Hello there.", "How are you?"]


@responses.activate
def test_a_long_turn_is_three_requests_joined_into_one_stream():
    for _ in range(3):
        responses.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
    tts, _ = engine()
    audio = tts.synthesize(CHINESE_LONG, Voice("zh-TW"))
    assert len(responses.calls) == 3, "gTTS alone would send 40 requests for this text"
    params = [request_params(call) for call in responses.calls]
    assert "".join(p[0] for p in params) == CHINESE_LONG
    assert {p[1] for p in params} == {"zh-TW"}
    frames = read_frames(audio)
    assert len(frames) == 3 * len(read_frames(real_mp3()))
    assert {f.format for f in frames} == {FORMAT}


@responses.activate
def test_voice_language_and_accent_reach_the_request():
    responses.add(responses.POST, re.compile(r"https://translate\.google\.co\.uk/.*"), body=gtts_body(real_mp3()))
    tts, _ = engine()
    tts.synthesize("Hello.", Voice("en", tld="co.uk"))
    assert request_params(responses.calls[0])[:2] == ["Hello.", "en"]


@responses.activate
def test_429_then_success_waits_with_backoff():
    responses.add(responses.POST, ENDPOINT, status=429)
    responses.add(responses.POST, ENDPOINT, status=429)
    responses.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
    tts, waits = engine(retry=RetryPolicy(attempts=3, base_delay=1.0))
    assert tts.synthesize("你好。", Voice("zh-CN")) == real_mp3()
    assert len(responses.calls) == 3
    assert len(waits) == 2 and 0 <= waits[0] <= 1.0 and 0 <= waits[1] <= 2.0


@responses.activate
def test_500s_fail_after_every_retry():
    responses.add(responses.POST, ENDPOINT, status=500)
    tts, waits = engine(retry=RetryPolicy(attempts=4))
    with pytest.raises(SpeechError) as raised:
        tts.synthesize("你好。", Voice("zh-CN"))
    assert "HTTP 500" in str(raised.value) and raised.value.retryable
    assert len(responses.calls) == 4 and len(waits) == 3


@responses.activate
def test_empty_audio_is_retried():
    responses.add(responses.POST, ENDPOINT, body=gtts_body(b""))
    responses.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
    tts, waits = engine()
    assert tts.synthesize("你好。", Voice("zh-CN")) == real_mp3()
    assert len(responses.calls) == 2 and len(waits) == 1


@responses.activate
def test_an_answer_without_audio_is_retried_then_reported():
    responses.add(responses.POST, ENDPOINT, body=')]}\'\n[["wrb.fr","jQ1olc",null]]\n')
    tts, _ = engine(retry=RetryPolicy(attempts=2))
    with pytest.raises(SpeechError, match="HTTP 200"):
        tts.synthesize("你好。", Voice("zh-CN"))
    assert len(responses.calls) == 2


@responses.activate
def test_unreachable_fails_at_once_without_retries():
    responses.add(responses.POST, ENDPOINT, body=requests.ConnectionError(OFFLINE))
    tts, waits = engine(retry=RetryPolicy(attempts=5))
    with pytest.raises(SpeechError) as raised:
        tts.synthesize("你好。", Voice("zh-CN"))
    assert raised.value.unreachable and len(responses.calls) == 1 and waits == []


def test_rate_limiter_spaces_requests():
    now = [0.0]
    waits: list[float] = []
    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=waits.append)
    for _ in range(3):
        limiter.wait()
    assert waits == [0.25, 0.5]


def test_retry_delays_grow_and_stay_capped():
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    rng = random.Random(7)
    delays = [policy.delay(n, rng) for n in range(1, 8)]
    assert all(0 <= d <= min(5.0, 2 ** (n - 1)) for n, d in enumerate(delays, start=1))
    assert max(delays) > 1.0


def test_offline_engine_makes_real_speech(tmp_path):
    english = EspeakEngine().synthesize("The turbines were lowered into the channel.", Voice("en", tld="co.uk"))
    chinese = EspeakEngine().synthesize("西方国家对俄罗斯实施制裁之后，能源收入锐减。", Voice("zh-CN", variant=1))
    for audio in (english, chinese):
        frames = read_frames(audio)
        assert {f.format for f in frames} == {FORMAT}
        assert duration_of(frames) > 1.5
    require("mpg123")
    path = tmp_path / "speech.mp3"
    path.write_bytes(chinese)
    result = subprocess.run(["mpg123", "-q", "-t", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stderr == ""


def test_offline_voices_differ_per_host():
    text = "大家好，欢迎收听。"
    first, second = (EspeakEngine().synthesize(text, Voice("zh-CN", variant=v)) for v in (0, 1))
    assert first != second


def reset() -> requests.ConnectionError:
    return requests.ConnectionError("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))")


@responses.activate
def test_a_reset_or_a_timeout_is_retried_like_a_429():
    responses.add(responses.POST, ENDPOINT, body=reset())
    responses.add(responses.POST, ENDPOINT, body=requests.exceptions.ReadTimeout("Read timed out. (read timeout=20)"))
    responses.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
    tts, waits = engine(retry=RetryPolicy(attempts=3))
    assert tts.synthesize("测试", Voice("zh-CN")) == real_mp3()
    assert len(responses.calls) == 3 and len(waits) == 2


@responses.activate
def test_a_run_of_failed_turns_stops_the_engine_for_the_build():
    responses.add(responses.POST, ENDPOINT, status=429)
    tts, _waits = engine(retry=RetryPolicy(attempts=2), give_up_after=3)
    for _ in range(3):
        with pytest.raises(SpeechError, match="HTTP 429"):
            tts.synthesize("测试", Voice("zh-CN"))
    sent = len(responses.calls)
    for _ in range(20):
        with pytest.raises(SpeechError, match="gTTS failed 3 turns in a row") as raised:
            tts.synthesize("测试", Voice("zh-CN"))
        assert raised.value.stopped
    assert sent == 6 and len(responses.calls) == sent, "no request after the engine stopped"


@responses.activate
def test_one_success_resets_the_count():
    responses.add(responses.POST, ENDPOINT, status=500)
    responses.add(responses.POST, ENDPOINT, status=500)
    responses.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
    responses.add(responses.POST, ENDPOINT, status=500)
    responses.add(responses.POST, ENDPOINT, status=500)
    responses.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
    tts, _ = engine(retry=RetryPolicy(attempts=1), give_up_after=3)
    outcomes = []
    for _ in range(6):
        try:
            tts.synthesize("测试", Voice("zh-CN"))
            outcomes.append("ok")
        except SpeechError:
            outcomes.append("failed")
    assert outcomes == ["failed", "failed", "ok", "failed", "failed", "ok"]


@responses.activate
def test_cancel_stops_before_the_next_request():
    responses.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
    tts, _ = engine()
    tts.cancel()
    with pytest.raises(SpeechError, match="cancelled"):
        tts.synthesize("测试", Voice("zh-CN"))
    assert len(responses.calls) == 0
