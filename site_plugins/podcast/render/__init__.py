"""Render: pages, feed, head tags, transcripts, related podcasts and the search index, as text; nothing here
makes audio, and the search index hands its files to the writer it is given."""
