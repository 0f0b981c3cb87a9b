"""Django settings for ivp.web, read from the environment (see docs/settings.md)."""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext

from ivp.lib.errors import ConfigError
from ivp.web import security
from ivp.web.env import env_bool, env_int, env_list, env_path, env_rate, env_str, parse_database_url
from ivp.workspace import Workspace

django_stubs_ext.monkeypatch()

WEB_DIR = Path(__file__).resolve().parent

DEV_SECRET_KEY = "ivp-onveilige-ontwikkelsleutel-niet-in-productie"  # noqa: S105

_workspace_path = env_path(
    "IVP_WORKSPACE",
    None,
    "Werkmap (met ivp.toml) die de webapp bedient; levert gemeente, buurten en database.",
)
WORKSPACE: Workspace | None = Workspace.open(_workspace_path.resolve()) if _workspace_path else None

DEBUG = env_bool("IVP_DEBUG", False, "Ontwikkelmodus: uitgebreide foutpagina's. Nooit in productie.")

_default_db = (
    f"sqlite:///{WORKSPACE.root / 'ivp-web.sqlite3'}"
    if WORKSPACE
    else f"sqlite:///{Path.cwd() / 'ivp-web.sqlite3'}"
)
DATABASE_URL = env_str(
    "DATABASE_URL",
    _default_db,
    "Database van de webapp: sqlite:///pad of postgres://gebruiker:wachtwoord@host:poort/naam.",
)
DATABASES = {"default": parse_database_url(DATABASE_URL, base=WORKSPACE.root if WORKSPACE else None)}

PRODUCTIE = env_bool(
    "IVP_PRODUCTIE",
    False,
    "Productiemodus (ook: ivp serve --productie): cookies alleen over HTTPS, HSTS; weigert te starten met "
    "de standaardsleutel, met IVP_DEBUG of met alleen localhost in IVP_ALLOWED_HOSTS.",
)
SECRET_KEY = env_str(
    "IVP_SECRET_KEY",
    DEV_SECRET_KEY,
    "Geheime sleutel voor sessies, CSRF en de hashes van volgcodes. Verplicht in productiemodus (minstens 32 tekens) en als ivp serve van buitenaf bereikbaar is.",
)
_require_key = env_bool(
    "IVP_REQUIRE_SECRET_KEY",
    False,
    "Weiger te starten zonder eigen IVP_SECRET_KEY (IVP_PRODUCTIE doet dit ook).",
)
if SECRET_KEY == DEV_SECRET_KEY and not DEBUG and _require_key:
    raise ConfigError("IVP_SECRET_KEY ontbreekt; zet een lange willekeurige waarde.")

ALLOWED_HOSTS = env_list(
    "IVP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver", "Hostnamen waarop de app antwoordt."
)
CSRF_TRUSTED_ORIGINS = env_list(
    "IVP_CSRF_TRUSTED_ORIGINS", "", "Origins (https://meldpunt.example.nl) die formulieren mogen posten."
)
_secure = PRODUCTIE or env_bool(
    "IVP_SECURE_COOKIES",
    False,
    "Cookies alleen over HTTPS (zet op 1 achter HTTPS; IVP_PRODUCTIE doet dit ook).",
)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Production (docs/web.md, "Productie"): one year of HSTS for the host and its subdomains; a redirect to
# HTTPS only when asked (usually the proxy does it); /gereed stays reachable over HTTP for health checks.
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if PRODUCTIE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTIE
SECURE_SSL_REDIRECT = env_bool(
    "IVP_SSL_REDIRECT", False, "Stuur HTTP-verzoeken door naar HTTPS (als de proxy dat niet al doet)."
)
SECURE_REDIRECT_EXEMPT = [r"^gereed$"]
BEHIND_PROXY = env_bool(
    "IVP_BEHIND_PROXY",
    False,
    "De app draait achter een reverse proxy die X-Forwarded-Proto, X-Forwarded-Host en X-Forwarded-For "
    "zelf zet (en wat de client stuurt overschrijft, of bij X-Forwarded-For aanvult); alleen dan worden die "
    "headers vertrouwd.",
)
PROXY_COUNT = env_int(
    "IVP_PROXY_COUNT",
    1,
    "Aantal eigen reverse proxies vóór de app (met IVP_BEHIND_PROXY): het zoveelste adres van rechts in "
    "X-Forwarded-For is dat van de client, voor de inlogblokkering en de limieten per adres.",
    minimum=1,
)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
CONTENT_SECURITY_POLICY = security.CONTENT_SECURITY_POLICY  # on every response (ivp.web.security)
if PRODUCTIE:
    _problems = security.production_problems(
        secret_key=SECRET_KEY, default_secret_key=DEV_SECRET_KEY, debug=DEBUG, allowed_hosts=ALLOWED_HOSTS
    )
    if _problems:
        raise ConfigError("Productiemodus (IVP_PRODUCTIE): " + " ".join(_problems))

REGIONS_GEOJSON = env_path(
    "IVP_REGIONS_GEOJSON",
    None,
    "GeoJSON met buurten (statcode, statnaam) als de werkmap-store geen buurtgrenzen heeft.",
)
OTP_REQUIRED_ROLES = env_list(
    "IVP_2FA_ROLES",
    "beheerder,analist,behandelaar",
    "Rollen die met twee factoren (TOTP) moeten inloggen.",
)
RATE_FORM = env_rate("IVP_RATE_FORM", "20/3600", "Meldingen per IP-adres per periode (AANTAL/SECONDEN).")
RATE_FOLLOWUP = env_rate(
    "IVP_RATE_FOLLOWUP", "30/3600", "Pogingen met een volgcode per IP-adres per periode (AANTAL/SECONDEN)."
)
FOLLOWUP_MINUTES = env_int(
    "IVP_FOLLOWUP_MINUTES",
    10,
    "Minuten zonder gebruik waarna de statuspagina de volgcode opnieuw vraagt.",
    minimum=1,
)
ADDITIONS_RATE = env_rate(
    "IVP_RATE_ADDITIONS", "5/86400", "Aanvullingen van de melder per melding per periode (AANTAL/SECONDEN)."
)
ADDITIONS_MAX = env_int(
    "IVP_MAX_ADDITIONS", 20, "Maximaal aantal aanvullingen van de melder op één melding.", minimum=1
)
RATE_OPEN311 = env_rate(
    "IVP_RATE_OPEN311", "600/60", "Open311-aanvragen per API-sleutel (of IP zonder sleutel) per periode."
)
OPEN311_PUBLIC_DELAY_DAYS = env_int(
    "IVP_OPEN311_PUBLIC_DELAY_DAYS",
    7,
    "Dagen voordat een melding (grof, zonder buurt of team) in de openbare Open311-lijst kan verschijnen.",
    minimum=0,
)
MAX_TEXT_LENGTH = env_int(
    "IVP_MAX_TEXT_LENGTH", 5000, "Maximaal aantal tekens in een meldingstekst.", minimum=100
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "IVP_MAX_REQUEST_BYTES", 65536, "Maximale grootte van een verzoek in bytes.", minimum=4096
)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
RETENTION_DAYS = env_int(
    "IVP_RETENTION_DAYS", 365, "Na zoveel dagen na afhandeling worden persoonsgegevens van meldingen gewist."
)
AXES_FAILURE_LIMIT = env_int(
    "IVP_LOGIN_FAILURE_LIMIT", 5, "Mislukte inlogpogingen voor blokkering.", minimum=1
)
AXES_COOLOFF_TIME = env_int("IVP_LOGIN_COOLOFF_HOURS", 1, "Uren dat een blokkering duurt.", minimum=1)
AXES_FAILURE_LIMIT_ADDRESS = env_int(
    "IVP_LOGIN_FAILURE_LIMIT_ADDRESS",
    30,
    "Mislukte inlogpogingen vanaf één IP-adres (alle gebruikersnamen samen) voor blokkering van dat adres.",
    minimum=1,
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_HANDLER = "ivp.web.accounts.lockout.LockoutHandler"  # the address limit above (ADR 0010)
AXES_CLIENT_IP_CALLABLE = "ivp.web.clientip.client_ip"  # behind a proxy too (IVP_PROXY_COUNT)
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False
STATIC_ROOT = env_path("IVP_STATIC_ROOT", None, "Map waarin collectstatic de statische bestanden zet.")
DEID_CACHE_DIR = env_path(
    "IVP_DEID_CACHE_DIR",
    None,
    "Map voor de opzoektabellen van de de-identificatie (deduce); standaard die van het geïnstalleerde pakket.",
)
TIME_ZONE = env_str("IVP_TIME_ZONE", "Europe/Amsterdam", "Tijdzone voor weergave.")

INSTALLED_APPS = [
    "ivp.web.accounts.apps.AdminConfig",  # django.contrib.admin behind the staff gates (ADR 0010)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "ivp.web.accounts",
    "ivp.web.audit",
    "ivp.web.meldingen",
    "ivp.web.staff",
    "ivp.web.plan",
    "ivp.web.interventions",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ivp.web.security.ContentSecurityPolicyMiddleware",  # CSP on every response, Open311 and errors included
    "ivp.web.audit.middleware.RequestIdMiddleware",
    "ivp.web.errors.DatabaseUnavailableMiddleware",  # a failing database: a Dutch 503 or JSON, not a 500
    "ivp.web.meldingen.open311.Open311Middleware",  # /open311/: API key, none of the browser middleware below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ivp.web.health.DeidentificationUnavailableMiddleware",  # 503, not 500, before deduce is loaded
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "staff:home"
ROOT_URLCONF = "ivp.web.urls"
CSRF_FAILURE_VIEW = "ivp.web.errors.csrf_failure"
WSGI_APPLICATION = "ivp.web.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ivp.web.context_processors.site",
            ]
        },
    }
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ivp"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 3600
OTP_TOTP_ISSUER = "ivp"
# No exponential delay after a wrong code (it refused the right code typed next); wrong codes count as
# failed logins in axes instead, and OTP_DEVICE_FAILURE_LIMIT caps them per device over all addresses.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_DEVICE_FAILURE_LIMIT = 10
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ivp.web.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ivp.web.meldingen.drf.IsStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "ivp.web.meldingen.drf.error_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ivp staf-API",
    "DESCRIPTION": "REST-API voor koppelingen van de gemeente: gede-identificeerde meldingen en statussen.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
