"""The web platform: Django project with the apps accounts, audit, meldingen and staff."""
