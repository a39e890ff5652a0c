from urllib.parse import parse_qs


def home(environ):
    return "200 OK", "Welcome home.\n"


def search(environ):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    words = query.get("q", [""])[0]
    return "200 OK", f"You searched for {words!r}.\n"


ROUTES = {("GET", "/"): home, ("GET", "/search"): search}


def app(environ, start_response):
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO", "") or "/"
    handler = ROUTES.get((method, path))
    if handler is None:
        status, text = "404 Not Found", f"Nothing at {path}.\n"
    else:
        status, text = handler(environ)
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
