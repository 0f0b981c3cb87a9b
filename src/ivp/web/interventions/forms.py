"""The intervention form: plain fields the file format's rules check (:func:`ivp.interventions.parse_intervention`).

The form only splits lists and lines; every rule (id, soort, area, periods, codes) is the file's, so the
web and an import refuse the same things, and a problem is shown on the field it concerns.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from ivp.interventions import InterventionFileError, parse_intervention
from ivp.interventions.check import ID_PATTERN
from ivp.interventions.model import SOORT_LABELS, SOORTEN, VERGELIJKINGEN, Intervention
from ivp.web.interventions.services import known_buurten, known_targets

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEPARATORS = {"", "t/m", "tot en met", "tot", "-", "–"}

#: Where a problem of the checker (its key path) is shown on the form.
_FIELD_OF = {
    "gebied.buurten": "buurten",
    "gebied.polygoon": "polygoon",
    "gebied.punt": "punt_lon",
    "gebied.straal_m": "straal_m",
}


def _list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\s]+", text) if part.strip()]


def periods_text(item: Intervention) -> str:
    """The periods as the form shows them: one line per period, ``2021-01-01 t/m 2022-12-31``."""
    return "\n".join(
        f"{p.start.isoformat()} t/m {p.eind.isoformat() if p.eind else ''}".rstrip() for p in item.perioden
    )


class InterventieForm(forms.Form):
    id = forms.CharField(
        label=_("Id"),
        max_length=64,
        validators=[
            RegexValidator(
                ID_PATTERN,
                _("Alleen kleine letters, cijfers, '-' en '_', beginnend met een letter of cijfer."),
                code="ongeldig_id",
            )
        ],
        help_text=_("Vast kenmerk, bijvoorbeeld camera-binnenstad."),
    )
    naam = forms.CharField(label=_("Naam"), max_length=200)
    soort = forms.ChoiceField(label=_("Soort"), choices=[(s, SOORT_LABELS[s]) for s in SOORTEN])
    buurten = forms.CharField(
        label=_("Buurten"),
        required=False,
        help_text=_("Buurtcodes, gescheiden door komma's (BU05050108, ...)."),
    )
    polygoon = forms.CharField(
        label=_("Polygoon (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Een GeoJSON-geometrie (Polygon of MultiPolygon) in WGS84, in plaats van buurten."),
    )
    punt_lon = forms.CharField(label=_("Punt: lengtegraad"), required=False, max_length=30)
    punt_lat = forms.CharField(label=_("Punt: breedtegraad"), required=False, max_length=30)
    straal_m = forms.CharField(
        label=_("Straal (m)"), required=False, max_length=30, help_text=_("Bij een punt: 10 tot 5000 meter.")
    )
    perioden = forms.CharField(
        label=_("Perioden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén regel per periode: 2021-01-01 t/m 2022-12-31; zonder einddatum loopt ze nog."),
    )
    doelen = forms.CharField(
        label=_("Doelen"),
        help_text=_("Misdrijf-, overlast- of incidentcodes, gescheiden door komma's (1.2.3, E35)."),
    )
    besluit = forms.CharField(label=_("Besluit"), required=False, max_length=500)
    verantwoordelijke = forms.CharField(label=_("Verantwoordelijke"), required=False, max_length=200)
    verwacht_effect = forms.CharField(label=_("Verwacht effect"), required=False, max_length=500)
    buffer_m = forms.CharField(
        label=_("Omgeving (m)"),
        required=False,
        max_length=30,
        help_text=_(
            "Breedte van de ring om het gebied voor verplaatsing, 50 tot 2000 meter; leeg: standaard."
        ),
    )
    vergelijking = forms.ChoiceField(
        label=_("Vergelijking"), choices=[(v, v) for v in VERGELIJKINGEN], initial="rest"
    )
    toelichting = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["id"].disabled = True
        self.item: Intervention | None = None

    @classmethod
    def initial_for(cls, item: Intervention) -> dict[str, Any]:
        area = item.gebied
        return {
            "id": item.id,
            "naam": item.naam,
            "soort": item.soort,
            "buurten": ", ".join(area.buurten),
            "polygoon": json.dumps(area.polygoon) if area.polygoon else "",
            "punt_lon": str(area.punt[0]) if area.punt else "",
            "punt_lat": str(area.punt[1]) if area.punt else "",
            "straal_m": f"{area.straal_m:g}" if area.straal_m is not None else "",
            "perioden": periods_text(item),
            "doelen": ", ".join(item.doelen),
            "besluit": item.besluit or "",
            "verantwoordelijke": item.verantwoordelijke or "",
            "verwacht_effect": item.verwacht_effect or "",
            "buffer_m": f"{item.buffer_m:g}" if item.buffer_m is not None else "",
            "vergelijking": item.vergelijking,
            "toelichting": item.toelichting or "",
        }

    def _periods(self, text: str) -> list[dict[str, str]]:
        out = []
        for line in text.splitlines():
            if not line.strip():
                continue
            dates = _DATE.findall(line)
            rest = _DATE.sub("", line).strip().lower()
            if not 1 <= len(dates) <= 2 or rest not in _SEPARATORS:
                self.add_error(
                    "perioden",
                    _("'%(line)s' is geen periode; schrijf 2021-01-01 t/m 2022-12-31.")
                    % {"line": line.strip()},
                )
                continue
            out.append({"start": dates[0], **({"eind": dates[1]} if len(dates) == 2 else {})})
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        area: dict[str, Any] = {}
        if data.get("buurten"):
            area["buurten"] = _list(data["buurten"])
        if data.get("polygoon", "").strip():
            area["polygoon"] = data["polygoon"].strip()
        if data.get("punt_lon") or data.get("punt_lat"):
            area["punt"] = [data.get("punt_lon", ""), data.get("punt_lat", "")]
        if data.get("straal_m"):
            area["straal_m"] = data["straal_m"]
        raw: dict[str, Any] = {
            key: data.get(key) or None
            for key in (
                "id",
                "naam",
                "soort",
                "besluit",
                "verantwoordelijke",
                "verwacht_effect",
                "buffer_m",
                "toelichting",
            )
        }
        raw.update(
            gebied=area or None,
            perioden=self._periods(data.get("perioden", "")),
            doelen=_list(data.get("doelen", "")),
            vergelijking=data.get("vergelijking") or "rest",
        )
        if self.errors:
            return data
        try:
            self.item = parse_intervention(raw, known_buurten=known_buurten(), known_targets=known_targets())
        except InterventionFileError as exc:
            self.show(exc)
        return data

    def show(self, exc: InterventionFileError) -> None:
        """Put each problem on the field it concerns (the rest above the form)."""
        for problem in exc.problems:
            path = re.sub(r"\[[^\]]*\]", "", problem.field or "")
            name = _FIELD_OF.get(path) or re.split(r"[.\[]", path)[0]
            text = problem.message + (f" {problem.hint}" if problem.hint else "")
            self.add_error(name if name in self.fields else None, text)
