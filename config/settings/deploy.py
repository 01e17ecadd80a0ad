"""Helpers of the production settings, importable without side effects (and so testable)."""

from urllib.parse import urlsplit


def trusted_origins(site_url: str, hosts: list[str], scheme: str) -> list[str]:
    """The origins a form may be posted from when CSRF_TRUSTED_ORIGINS is not given: the
    site's own address and every allowed host, on the scheme the site is served with."""
    origins = []
    parts = urlsplit(site_url)
    if parts.scheme and parts.netloc:
        origins.append(f"{parts.scheme}://{parts.netloc}")
    for host in hosts:
        if host == "*" or not host:
            continue
        origins.append(f"{scheme}://*{host}" if host.startswith(".") else f"{scheme}://{host}")
    return list(dict.fromkeys(origins))


def check_site_url(site_url: str, plain_http: bool) -> list:
    """`manage.py check --deploy`: the links in e-mails must reach the site."""
    from django.core.checks import Warning as CheckWarning

    parts = urlsplit(site_url)
    if parts.hostname in (None, "127.0.0.1", "localhost", "::1"):
        return [
            CheckWarning(
                f"SITE_URL is {site_url!r}: links in e-mails would point at this machine.",
                hint="Set SITE_URL to the address people open, e.g. https://kst.example.com.",
                id="kesutong.W001",
            )
        ]
    if parts.scheme != "https" and not plain_http:
        return [
            CheckWarning(
                f"SITE_URL {site_url!r} is not https:// although the site is served over HTTPS.",
                id="kesutong.W002",
            )
        ]
    return []


def register_deploy_checks(*, site_url: str, plain_http: bool) -> None:
    from django.core.checks import register

    def site_url_check(app_configs, **kwargs):
        return check_site_url(site_url, plain_http)

    register(site_url_check, "security", deploy=True)
