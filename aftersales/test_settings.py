"""Settings for the test suite: the real settings, with jobs run inline and fast hashing."""

from huey import MemoryHuey

from aftersales.settings import *  # noqa: F403

HUEY = MemoryHuey("aftersales-test", immediate=True)
# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute"}}  # noqa: F405
# Look static files up per request instead of scanning every finder whenever a test client
# is created (tens of milliseconds per client, hundreds of clients per run).
WHITENOISE_AUTOREFRESH = True
