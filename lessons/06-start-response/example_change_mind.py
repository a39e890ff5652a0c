import sys


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    try:
        page = render_page()
    except Exception:
        # Nothing is sent yet: replace the status and headers, passing exc_info.
        start_response("500 Internal Server Error",
                       [("Content-Type", "text/plain; charset=utf-8")], sys.exc_info())
        return [b"Sorry, the page could not be built.\n"]
    return [page]


def render_page():
    raise ValueError("the template is missing")
