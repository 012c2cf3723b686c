"""Settings of Mutualis, read from environment variables (healthchecks style: one module).

Environment:
  DATABASE_URL            sqlite:////abs/path.sqlite3 or postgres://user:pass@host:port/name
  MUTUALIS_DEBUG          1 for development (make run); production is the default
  MUTUALIS_SECRET_KEY     secret key; when absent one is made once and kept in var/secret_key
  MUTUALIS_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1)
  MUTUALIS_HTTPS          1 (default outside debug): the site is served over HTTPS, maybe behind
                          a proxy that sets X-Forwarded-Proto; 0 for a laptop on a local network
  MUTUALIS_VAR_DIR        folder for the embedded database, static files, backups, benchmarks
  MUTUALIS_EMAIL_URL      smtp://user:pass@host:port (default: e-mails written to files in
                          var/mail)
  MUTUALIS_DEFAULT_FROM_EMAIL  sender of e-mails
  MUTUALIS_CARD_SECRET    key of the member cards' signatures (default: derived from the secret key)
  MUTUALIS_INSTALLATION   this installation's code among those that exchange events (default: made
                          at random once and kept in var/installation)
  MUTUALIS_NUMBERS_FROM_BLOCKS  1 on an installation that numbers members, receipts… only from the
                          blocks its server reserved for it (a mutual's laptop)
  MUTUALIS_IDEMPOTENCY_HOURS  how long an API write's answer is kept for a client resending it
                          with the same Idempotency-Key (default: 24)
  MUTUALIS_TRUSTED_PROXIES  comma-separated addresses or networks (CIDR) of the reverse proxies
                          whose X-Forwarded-For tells the client's address (default: none)
  MUTUALIS_FHIR_CHECK_ANSWERS  1 to validate the FHIR API's answers as they are built (default:
                          as MUTUALIS_DEBUG; the tests always do)
  MUTUALIS_IMPORT_MAX_BYTES, MUTUALIS_IMPORT_MAX_UNPACKED_BYTES, MUTUALIS_IMPORT_MAX_RATIO,
  MUTUALIS_IMPORT_MAX_ROWS  limits of an imported spreadsheet (docs/operations.md)
  MUTUALIS_SITE_URL       the address users reach the site at, for the links of e-mails
  MUTUALIS_FORUM_POSTS_PER_MINUTE, MUTUALIS_FORUM_POSTS_PER_DAY  how many messages a user may
                          post in the forums in a minute (default 3) and in a day (default 50)
  MUTUALIS_NEWSLETTER_SIGNUPS_PER_HOUR, MUTUALIS_NEWSLETTER_CONFIRMATIONS_PER_DAY  how many
                          requests to receive the news by e-mail may come from one client address
                          in an hour (default 10), and how many confirmation e-mails one address
                          may be sent in a day (default 3)
  MUTUALIS_PASSWORD_RESETS_PER_HOUR, MUTUALIS_PASSWORD_RESET_MAILS_PER_DAY  how many requests
                          for a link to choose a new password may come from one client address
                          in an hour (default 5), and be made for one e-mail address in a day
                          (default 3)
  MUTUALIS_NETWORK_CODE   code of the network's own organisation, a root of the tree, which
                          receives the applications to join (default: CONCERTATION)
  MUTUALIS_SIGNUPS_PER_HOUR, MUTUALIS_SIGNUPS_PER_DAY  applications to join the network taken
                          from one client address in an hour (default 3) and from everyone in
                          a day (default 100)
  MUTUALIS_SIGNUP_MIN_SECONDS  least time between showing the form to join and posting it
                          (default 5): robots post faster
  MUTUALIS_REPORT_TOLERANCE_BP, MUTUALIS_REPORT_HOUSEHOLD_MAX  checks of a mutual's periodic
                          report (docs/monitoring.md)
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent.parent
SOURCE_ROOT = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MUTUALIS_VAR_DIR") or SOURCE_ROOT / "var").resolve()

DEBUG = env_flag("MUTUALIS_DEBUG", False)
HTTPS = env_flag("MUTUALIS_HTTPS", not DEBUG)
# Whether the FHIR API validates its answers with the R4B models as it builds them (the requests
# it always validates): in development and in the tests, where a mistake shows at the element
# that makes it. A production server does not: the tests check every kind of answer, and the
# check costs an eligibility check an eighth of its time.
FHIR_CHECK_ANSWERS = env_flag("MUTUALIS_FHIR_CHECK_ANSWERS", DEBUG)


def read_or_create_secret_key() -> str:
    # A laptop installation must start without any configuration, yet keep its sessions and
    # card signatures valid across restarts: the key is made once and kept beside the database.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("MUTUALIS_SECRET_KEY") or read_or_create_secret_key()


def read_or_create_installation() -> str:
    # What this installation writes is told apart from what it receives from others (a union's
    # server, a mutual's laptops) by this code, made once at random and kept beside the database
    # like the secret key (docs/architecture.md, "Numbers across installations").
    code_file = VAR_DIR / "installation"
    if not code_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        code_file.write_text(secrets.token_hex(6))
    return code_file.read_text().strip()


MUTUALIS_INSTALLATION = os.environ.get("MUTUALIS_INSTALLATION") or read_or_create_installation()
# an installation working offline for its mutuals (a laptop) numbers only from the blocks its
# server reserved for it (core.numbering)
MUTUALIS_NUMBERS_FROM_BLOCKS = env_flag("MUTUALIS_NUMBERS_FROM_BLOCKS", False)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("MUTUALIS_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    # django-ninja's API documentation page, served from its own static files (ninja renders
    # a page that loads them from a CDN, which our CSP refuses, unless it is an installed app)
    "ninja",
    "mutualis.core",
    "mutualis.federation",
    "mutualis.benefits",
    "mutualis.membership",
    "mutualis.contributions",
    "mutualis.providers",
    "mutualis.claims",
    "mutualis.settlements",
    "mutualis.accounting",
    "mutualis.monitoring",
    "mutualis.inventory",
    "mutualis.portal",
    "mutualis.portal.forums",
    "mutualis.portal.newsletter",
    "mutualis.portal.directory",
    "mutualis.interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mutualis.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mutualis.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "mutualis.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "mutualis.config.urls"
WSGI_APPLICATION = "mutualis.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mutualis.core.context_processors.navigation",
            ],
            "builtins": ["mutualis.core.templatetags.amounts"],
        },
    },
]

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'mutualis.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A worker keeps its connection for its life: opening one reads the whole schema again,
    # which costs more than answering an eligibility check. A restore copies into the live file
    # with SQLite's backup API (core.backup), which open connections see.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction, so two writers queue instead of failing half-way.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "federation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # not a rule: how a user's API keys learn that their password changed
    {"NAME": "mutualis.federation.key_revocation.KeysDieWithThePassword"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling: five failures for one user name lock that name everywhere, and five from
# one address lock that address, for 15 minutes. The address is the client's own even behind a
# reverse proxy (core.client_address): people behind one proxy are not locked by one another.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "mutualis.core.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# none by default: the address of the connection is the client's.
MUTUALIS_TRUSTED_PROXIES = [
    ipaddress.ip_network(proxy.strip(), strict=False)
    for proxy in os.environ.get("MUTUALIS_TRUSTED_PROXIES", "").split(",")
    if proxy.strip()
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["mutualis.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Dakar"
USE_THOUSAND_SEPARATOR = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/htmx", SOURCE_ROOT / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
else:
    # Served over plain HTTP on purpose (a laptop on a local network): the deployment checks
    # about HTTPS would only repeat that choice.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# Without a mail server, each e-mail is written to a file in var/mail (issue 16 item 8): what
# the demo and a laptop send can be read there, and nothing is lost.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
if os.environ.get("MUTUALIS_EMAIL_URL"):
    from urllib.parse import unquote, urlsplit

    _email = urlsplit(os.environ["MUTUALIS_EMAIL_URL"])
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
# The key member cards' QR codes are signed with (core.signing); installations that check the
# same cards share it. Without it, a key derived from SECRET_KEY.
MUTUALIS_CARD_SECRET = os.environ.get("MUTUALIS_CARD_SECRET") or None

DEFAULT_FROM_EMAIL = os.environ.get("MUTUALIS_DEFAULT_FROM_EMAIL", "mutualis@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "mutualis.core.logging.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The window of dates any input may hold (core.bounds): no birth before this year, and no date
# asked about further than this many years from today.
# The prudential thresholds of the books (accounting.prudential), in basis points: the share of
# contributions spent on management at most, the claims ratio at most, liquidity (cash against
# short-term debts) at least, reserves in months of benefits at least (30,000: three months),
# the guarantee fund as a share of contributions at least. Examples to set to the country's
# supervision rules (UEMOA implementing regulation 03/2011), not the regulation's own figures.
MUTUALIS_PRUDENTIAL_THRESHOLDS: dict[str, dict[str, int | None]] = {
    # by the ISO 3166 code of the country of the organisation's place; "" for every country
    # without its own, whose values a country's replace one by one
    "": {
        "management_cost_share_max": 1500,
        "claims_ratio_max": 10000,
        "liquidity_min": 10000,
        "reserve_months_min": 30000,
        "guarantee_fund_share_min": None,
    },
}
MUTUALIS_EARLIEST_BIRTH_YEAR = int(os.environ.get("MUTUALIS_EARLIEST_BIRTH_YEAR") or 1900)
MUTUALIS_QUERY_YEARS = int(os.environ.get("MUTUALIS_QUERY_YEARS") or 200)

# How long the answer to an API or FHIR write sent with an Idempotency-Key is kept
# (core.idempotency).
MUTUALIS_IDEMPOTENCY_HOURS = int(os.environ.get("MUTUALIS_IDEMPOTENCY_HOURS") or 24)

# Imports: what an uploaded spreadsheet may weigh, unpack to (all its parts together), unpack to
# as a multiple of its size, and how many rows it may hold (core.spreadsheets). A register of
# 124,000 people unpacks to 50 to 200 MB, about 10 times its size; a zip bomb, a thousand times.
MUTUALIS_IMPORT_MAX_BYTES = int(os.environ.get("MUTUALIS_IMPORT_MAX_BYTES") or 50_000_000)
MUTUALIS_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("MUTUALIS_IMPORT_MAX_UNPACKED_BYTES") or 500_000_000
)
MUTUALIS_IMPORT_MAX_RATIO = int(os.environ.get("MUTUALIS_IMPORT_MAX_RATIO") or 100)
MUTUALIS_IMPORT_MAX_ROWS = int(os.environ.get("MUTUALIS_IMPORT_MAX_ROWS") or 200_000)

# Periodic reports (monitoring.rules): how far a month's contributions collected may exceed those
# due (basis points; arrears paid late make a little excess normal), and the most beneficiaries
# a member may cover on average.
MUTUALIS_REPORT_TOLERANCE_BP = int(os.environ.get("MUTUALIS_REPORT_TOLERANCE_BP") or 1000)
MUTUALIS_REPORT_HOUSEHOLD_MAX = int(os.environ.get("MUTUALIS_REPORT_HOUSEHOLD_MAX") or 15)
# where the site is reached, for the links of the e-mails sent (the alerts' digest)
MUTUALIS_SITE_URL = (os.environ.get("MUTUALIS_SITE_URL") or "http://localhost:8000").rstrip("/")
# the day of the month from which the digest of the month before is sent: its reports are due
# by the 15th
MUTUALIS_DIGEST_DAY = 16
# The forums' limits against floods and spam (forums.rules.rate_refusal): messages (topics
# and replies) one user may post in a minute, and in 24 hours.
# What a visitor who has not signed in sees at `/`: the public site's home (docs/public-site.md);
# "" sends them to the sign-in page (an installation of a mutual alone, with no public site).
MUTUALIS_PUBLIC_HOME = "portal:home"
# The code of the network's own organisation, a root of the tree (a support structure): the
# applications to join the network are addressed to it, and its editors review them.
MUTUALIS_NETWORK_CODE = os.environ.get("MUTUALIS_NETWORK_CODE", "CONCERTATION")
MUTUALIS_FORUM_POSTS_PER_MINUTE = int(os.environ.get("MUTUALIS_FORUM_POSTS_PER_MINUTE") or 3)
MUTUALIS_FORUM_POSTS_PER_DAY = int(os.environ.get("MUTUALIS_FORUM_POSTS_PER_DAY") or 50)
# The mailing lists' limits (newsletter.rules.sign_up_refusal): requests to subscribe from one
# client address in an hour, and confirmation e-mails to one address in 24 hours.
MUTUALIS_NEWSLETTER_SIGNUPS_PER_HOUR = int(
    os.environ.get("MUTUALIS_NEWSLETTER_SIGNUPS_PER_HOUR") or 10
)
MUTUALIS_NEWSLETTER_CONFIRMATIONS_PER_DAY = int(
    os.environ.get("MUTUALIS_NEWSLETTER_CONFIRMATIONS_PER_DAY") or 3
)
# The limits of "Forgot your password?" (federation.rules.reset_refusal): requests from one
# client address in an hour, and for one e-mail address in 24 hours.
MUTUALIS_PASSWORD_RESETS_PER_HOUR = int(os.environ.get("MUTUALIS_PASSWORD_RESETS_PER_HOUR") or 5)
MUTUALIS_PASSWORD_RESET_MAILS_PER_DAY = int(
    os.environ.get("MUTUALIS_PASSWORD_RESET_MAILS_PER_DAY") or 3
)
MUTUALIS_SIGNUPS_PER_HOUR = int(os.environ.get("MUTUALIS_SIGNUPS_PER_HOUR") or 3)
MUTUALIS_SIGNUPS_PER_DAY = int(os.environ.get("MUTUALIS_SIGNUPS_PER_DAY") or 100)
MUTUALIS_SIGNUP_MIN_SECONDS = int(os.environ.get("MUTUALIS_SIGNUP_MIN_SECONDS") or 5)
