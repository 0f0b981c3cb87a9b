"""Steering in the neighbourhood: hot places, hot times, near repeats and the wijkveiligheidsscan.

- :mod:`~ivp.reports.wijkscan.focus`: focus areas (``aandachtsgebieden.yaml``) and naming an area
  (gemeente, wijk, buurt or focus area), membership of events;
- :mod:`~ivp.reports.wijkscan.events`: the one event frame (police incidents or meldingen);
- :mod:`~ivp.reports.wijkscan.analysis`: one call per question (hot places, hot times, near repeats),
  each with its "is this enough data?" answer;
- :mod:`~ivp.reports.wijkscan.sentences`: the Dutch wording for advisors;
- the report itself (context, render, charts, writers) builds on these.

The statistics live in :mod:`ivp.stats` (grid, hotspots, aoristic, hottimes, nearrepeat, sufficiency).
"""
