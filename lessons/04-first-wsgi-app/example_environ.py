def app(environ, start_response):
    lines = [
        "REQUEST_METHOD = " + environ["REQUEST_METHOD"],
        "PATH_INFO = " + environ["PATH_INFO"],
        "QUERY_STRING = " + environ.get("QUERY_STRING", ""),
        "HTTP_USER_AGENT = " + environ.get("HTTP_USER_AGENT", "(none)"),
        "wsgi.url_scheme = " + environ["wsgi.url_scheme"],
    ]
    body = "\n".join(lines).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [body]
