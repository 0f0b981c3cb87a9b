"""The staff app has no models of its own: it shows meldingen and audit through their services."""
