def app(environ, start_response):
    stream = environ["wsgi.input"]
    body = stream.read(int(environ.get("CONTENT_LENGTH") or 0))
    stream.close()   # tidy, but the stream is the server's
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Got %d bytes\n" % len(body)]
