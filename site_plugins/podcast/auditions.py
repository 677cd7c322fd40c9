"""`podcast voices` lists the voices each engine offers; `podcast say` speaks a line in a host's voice, so
that an editor hears a voice before the hosts' settings name it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import PodcastError
from .load.catalog import load_catalog
from .load.siteconfig import read_site_config
from .model import Host, Settings
from .mp3frames import duration_of, read_frames
from .speech import ENGINES, GENDERS, OFFLINE_ENGINE, SpeechError, engine_spec, host_voice
from .writer import write_atomic


def add_voice_commands(commands, config_argument) -> None:
    voices = commands.add_parser("voices", help="list the voices of the speech engines, with their gender")
    voices.add_argument("--engine", "-e", choices=list(ENGINES), help="one engine's voices (default: all)")
    voices.add_argument("--language", "-l", help="voices for a language, e.g. zh, zh-CN or en")
    voices.add_argument("--gender", "-g", choices=GENDERS, help="female or male voices only")
    voices.add_argument("--refresh", action="store_true",
                        help="fetch the current voice lists of the engines that keep one in the project first")
    say = commands.add_parser("say", help="speak a line in a host's voice into an MP3, to audition the voice")
    say.add_argument("text", help="what to say")
    say.add_argument("--host", required=True, help="a host of the site (or of --episode)")
    say.add_argument("--episode", type=Path, help="an episode file whose `hosts:` override the site's")
    say.add_argument("--engine", "-e", choices=list(ENGINES), help="this engine instead of the host's")
    say.add_argument("--language", help="the language of the text (default: the episode's with --episode, else "
                                        "the language of the host's Edge voice, else the site's)")
    say.add_argument("--output", "-o", type=Path, default=Path("sample.mp3"),
                     help="the MP3 to write (default: sample.mp3)")
    config_argument(say)


def run_voices(args: argparse.Namespace) -> int:
    names = [args.engine] if args.engine else list(ENGINES)
    if args.refresh:
        for name in names:
            refresh = ENGINES[name].refresh
            if refresh is not None:
                print(f"{name}: {refresh()} voices fetched", file=sys.stderr)
    rows = [(name, voice.name, voice.language, voice.gender or "-", voice.note)
            for name in names for voice in ENGINES[name].voices()
            if (not args.language or voice.speaks(args.language)) and (not args.gender or voice.gender == args.gender)]
    if not rows:
        print("no voice matches; try without --language or --gender", file=sys.stderr)
        return 1
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4])
    print(f"{len(rows)} voices; a host chooses one with `engine:` and `voice:` (docs/guide/audio.md)", file=sys.stderr)
    return 0


def run_say(args: argparse.Namespace) -> int:
    site = read_site_config(args.config)
    host, language = _host(args, site.settings, site.project_dir)
    language = args.language or (language if args.episode else voice_language(host) or language)
    first = args.engine or os.environ.get("PODCAST_TTS", "").strip() or host.engine or site.settings.tts
    chain = list(dict.fromkeys([first, *(host.fallback if host.fallback is not None else (OFFLINE_ENGINE,))]))
    for position, name in enumerate(chain):
        spec, voice = engine_spec(name), host_voice(name, host, language)
        try:
            audio = spec.make(site.settings).synthesize(args.text, voice)
        except SpeechError as exc:
            if not exc.unreachable or position == len(chain) - 1:
                raise
            print(f"podcast: {exc}; {chain[position + 1]} speaks instead", file=sys.stderr)
            continue
        write_atomic(args.output, audio)
        seconds = duration_of(read_frames(audio))
        print(f"wrote {args.output}: {host.name} on {name} ({spec.describe(voice)}), {seconds:.1f} s", file=sys.stderr)
        return 0
    raise AssertionError("unreachable")


def voice_language(host: Host) -> str:
    """The language an Edge voice's name gives ('en-GB' for 'en-GB-SoniaNeural'), '' for other voices: what a
    host with such a voice speaks on any engine when no episode says."""
    if not host.voice or engine_spec("edge").voice_problem(host.voice):
        return ""
    return "-".join(host.voice.split("-")[:2])


def _host(args: argparse.Namespace, settings: Settings, project_dir: Path) -> tuple[Host, str]:
    """The host to audition, as the site (or the episode file) declares it, and the language it speaks."""
    hosts, language, where = settings.hosts, settings.language, f"the site's `hosts:` ({args.config})"
    if args.episode is not None:
        catalog = load_catalog([args.episode], settings, root=Path.cwd(), include_drafts=True,
                               project_dir=project_dir)
        if catalog.errors or not catalog.episodes:
            raise PodcastError("\n".join(str(p) for p in catalog.errors) or f"{args.episode}: no episode to read")
        hosts, language, where = catalog.episodes[0].hosts, catalog.episodes[0].language, str(args.episode)
    for host in hosts:
        if host.name == args.host:
            return host, language
    names = ", ".join(h.name for h in hosts) or "none"
    raise PodcastError(f"no host '{args.host}' in {where}; its hosts: {names}")
