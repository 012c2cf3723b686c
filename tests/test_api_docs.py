"""The API's documentation page is served from our own static files (django-ninja's copy of
Swagger UI): no CDN, which our Content-Security-Policy would refuse, leaving a blank page."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders


def test_the_api_docs_load_only_our_own_static_files(client, admin):
    client.force_login(admin)
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", page)
    sources = [re.search(r'src="([^"]+)"', attributes) for attributes in scripts]
    # every script is a file of ours; the one without a source is data, which runs nothing
    assert [s.group(1) for s in sources if s] == [
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    assert [a for a, s in zip(scripts, sources, strict=True) if not s] == [
        ' type="application/json" id="swagger-settings"'
    ]
    links = re.findall(r'<link\b[^>]*href="([^"]+)"', page)
    assert links and all(link.startswith(settings.STATIC_URL) for link in links)
    for url in [s.group(1) for s in sources if s] + links:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "http" not in policy
