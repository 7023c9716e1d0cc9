"""Signs in to a Pathway server as a browser does and prints the session cookie.

    python3 bench/sign_in.py BASE_URL EMAIL PASSWORD   ->   pathway_session=...

The sign-in form carries a CSRF token that must match the pathway_csrf cookie, so the
form is read first, then posted with the cookie; the session cookie the server sets is
what wrk then sends with every request of a signed-in endpoint.
"""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> int:
    base, email, password = sys.argv[1:4]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect()
    )
    form = opener.open(f"{base}/sign-in", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if not token:
        print("no CSRF token on the sign-in page", file=sys.stderr)
        return 1
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "next": "/", "email": email, "password": password}
    ).encode()
    try:
        opener.open(f"{base}/sign-in", data=body, timeout=30)
    except urllib.error.HTTPError as e:
        # A signed-in browser is sent on with 303 See Other; anything else is a refusal.
        if e.code != 303:
            print(f"sign-in as {email} answered HTTP {e.code}", file=sys.stderr)
            return 1
    session = next((c for c in jar if c.name == "pathway_session"), None)
    if session is None:
        print(f"sign-in as {email} set no session cookie", file=sys.stderr)
        return 1
    print(f"{session.name}={session.value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
