"""Leaf helpers: imports nothing else of ivp."""
