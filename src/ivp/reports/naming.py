"""The municipality's name in every report: the workspace's ``naam`` when it is a name, else CBS's."""

from __future__ import annotations

from ivp.store import Store, read
from ivp.workspace import GEMEENTE_CODE, Workspace


def municipality_name(ws: Workspace, store: Store | None) -> str:
    """The name a report uses for the workspace's municipality.

    ``ivp init --gemeente GM0599`` without ``--naam`` writes the code as ``naam``; then the name comes
    from the regions in the store ('Rotterdam'), and the code stays when none are loaded (or no store).
    """
    naam = ws.naam.strip()
    if naam and naam.upper() != ws.gemeente and not GEMEENTE_CODE.match(naam.upper()):
        return naam
    if store is None:
        return ws.gemeente
    # TODO(issue 11): use ivp.store.areas.municipality_name once store/areas.py has landed.
    return read.region_names(store, [ws.gemeente]).get(ws.gemeente, ws.gemeente)
