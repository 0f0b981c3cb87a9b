"""Did it work? The evaluation of place-based interventions (issue 15, ADR 0012).

:mod:`.areas` (treated area, buffer, comparison), :mod:`.counts` (counts per unit and bin),
:mod:`.evaluate` (the estimators of :mod:`ivp.stats.effect` and the caveats), :mod:`.sentences` (the
Dutch wording), :mod:`.payload` (JSON), :mod:`.report` (HTML, PDF, DOCX) and :mod:`.overview` (the
chapter "Wat werkte?" of the midterm evaluation).
"""
