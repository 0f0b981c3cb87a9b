"""Source adapters: one per data source, all of the shape in :mod:`ivp.sources.base`."""
