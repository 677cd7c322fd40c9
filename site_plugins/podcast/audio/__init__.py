"""Audio: speech engines, the turn cache, MP3 frames and ID3 tags, and the builder that makes episode MP3s."""
