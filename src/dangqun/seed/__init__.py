"""Deterministic demo and scale data: the `seed` and `demo` commands build on this package."""
