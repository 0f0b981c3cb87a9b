"""Reports: context (dataclasses from stats results) → templates → HTML → PDF, DOCX, xlsx."""
