"""Drafting: an article fetched and a first draft of an episode asked of Claude (the `draft` extra)."""
