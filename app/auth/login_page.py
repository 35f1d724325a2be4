"""The sign-in page: served by Flask as plain HTML, with no script, so that nothing of Dash (its layout,
callbacks or component files) is reachable before signing in. Same style sheets as the app, French or English.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from flask import Response

from app.auth import csrf
from app.i18n import t
from app.security import html_page

ERRORS = ("invalid", "locked", "csrf", "missing", "unavailable")


def _language_links(lang: str, target: str) -> str:
    links = []
    for code, name_key in (("fr", "nav.french"), ("en", "nav.english")):
        query = urlencode({"next": target} | ({"lang": code} if code != "fr" else {}))
        current = ' aria-current="true" class="fw-bold"' if code == lang else ""
        name = escape(t(name_key, lang))
        links.append(
            f'<a href="/login?{escape(query)}" lang="{code}" id="login-lang-{code}"{current}>{name}</a>'
        )
    label = escape(t("nav.language", lang))
    return f'<nav class="mt-4 d-flex gap-3" aria-label="{label}">{"".join(links)}</nav>'


def login_page(
    lang: str,
    target: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    username: str = "",
    minutes: int = 0,
) -> Response:
    """The form, with the message of the last attempt (`error`: one of ERRORS) or a notice ("signed_out")."""
    message = ""
    if error in ERRORS:
        text = t(f"auth.error.{error}", lang, minutes=minutes)
        message = f'<div class="alert alert-warning" role="alert" id="login-error">{escape(text)}</div>'
    elif notice == "signed_out":
        text = escape(t("auth.signed_out_notice", lang))
        message = f'<div class="alert alert-info" role="status" id="login-notice">{text}</div>'
    described = ' aria-describedby="login-error"' if error in ERRORS else ""
    # the cursor waits where typing resumes: the password once the name is known
    focus_name, focus_password = ("", " autofocus") if username else (" autofocus", "")
    body = f"""
<p class="text-body-secondary mb-1">{escape(t("nav.brand", lang))}</p>
<h1 class="h3 mb-3" id="page-title">{escape(t("auth.title", lang))}</h1>
<p>{escape(t("auth.intro", lang))}</p>
{message}
<form method="post" action="/login" id="login-form" class="card card-body">
  <input type="hidden" name="{csrf.FIELD}" value="{escape(csrf.form_token())}">
  <input type="hidden" name="next" value="{escape(target)}">
  <input type="hidden" name="lang" value="{escape(lang)}">
  <div class="mb-3">
    <label for="login-username" class="form-label">{escape(t("auth.username", lang))}</label>
    <input id="login-username" name="username" class="form-control" autocomplete="username" required
      maxlength="64"{focus_name} value="{escape(username)}"{described}>
  </div>
  <div class="mb-3">
    <label for="login-password" class="form-label">{escape(t("auth.password", lang))}</label>
    <input id="login-password" name="password" type="password" class="form-control"
      autocomplete="current-password" required maxlength="256"{focus_password}{described}>
  </div>
  <button type="submit" class="btn btn-primary" id="login-submit">{escape(t("auth.submit", lang))}</button>
</form>
{_language_links(lang, target)}"""
    return html_page(t("auth.title", lang), body, lang, status)
