"""ivp: information system for integral safety policy in Dutch municipalities."""

__version__ = "0.1.0"
