"""The municipality's name in every report: the workspace's ``naam`` when it is a name, else CBS's."""

from __future__ import annotations

from ivp.store import Store
from ivp.store.areas import municipality_name as stored_name
from ivp.workspace import Workspace


def municipality_name(ws: Workspace, store: Store | None) -> str:
    """The name a report uses for the workspace's municipality (rule: :meth:`Workspace.display_name`).

    With no store, or no regions loaded, a workspace whose ``naam`` is its code keeps the code.
    """
    return ws.display_name(stored_name(store, ws.gemeente) if store is not None else None)
