def app(environ, start_response):
    length = int(environ["CONTENT_LENGTH"])  # there is no CONTENT_LENGTH on a GET
    body = environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Got %d bytes\n" % len(body)]
