def app(environ, start_response):
    # WSGI: the whole response at once, then the call is over.
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"tick 1\n", b"tick 2\n", b"tick 3\n"]
