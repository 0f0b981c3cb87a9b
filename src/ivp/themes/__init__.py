"""The themes taxonomy: CBS crime codes and police nuisance codes onto Veiligheidsbeeld themes and opgaven."""

from ivp.themes.taxonomy import (
    Opgave,
    Scheme,
    SchemeClass,
    Taxonomy,
    Theme,
    coverage_report,
    load_taxonomy,
    parse_taxonomy,
)

__all__ = [
    "Opgave", "Scheme", "SchemeClass", "Taxonomy", "Theme", "coverage_report", "load_taxonomy", "parse_taxonomy",
]  # fmt: skip
