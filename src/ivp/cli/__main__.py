"""``python -m ivp.cli``: the same as the ``ivp`` command."""

from ivp.cli import main

main()
