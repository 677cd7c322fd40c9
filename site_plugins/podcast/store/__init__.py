"""Published audio kept on a git branch of its own, with the standard library alone.

The audio branch (`podcast-audio` by default) holds exactly one commit: the current MP3 of every
episode (`<slug>.mp3`, as in the audio folder) and `published.json`, the record of what was published
under which GUID. Each publish replaces that commit, so the repository carries about one copy of the
current audio however often episodes are edited, and `main` never holds an MP3 (no pull conflicts).
"""
