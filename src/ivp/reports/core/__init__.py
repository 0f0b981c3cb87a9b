"""The report core: what every report (Veiligheidsbeeld, midterm evaluation, council letter) shares.

- ``report``: the ``Report`` registration (name, template, file name, DOCX/xlsx builders), formats;
- ``templates``: the Jinja2 environment with the Dutch number filters, the CSS, rendering to HTML;
- ``text``: placeholders for missing narrative texts, Markdown as plain paragraphs, source lines;
- ``word`` and ``workbook``: DOCX and xlsx helpers (document, table, sheet);
- ``svg`` and ``charts``: chart primitives and the small-multiple chart;
- ``output``: render every requested format in memory and write them all atomically, as one set.

The core imports no report; reports import the core. The list of reports is ``ivp.reports.registry``.
"""
