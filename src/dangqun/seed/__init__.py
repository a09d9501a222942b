"""Deterministic demo and scale data, and the commands that write it (`seed`, `demo`, `seed_voices`,
`seed_life`, `seed_development`)."""
