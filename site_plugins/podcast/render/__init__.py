"""Render: pages, feed, head tags, transcripts, related podcasts and the search index, as text; nothing here
writes a file or makes audio."""
