def app(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    write(b"Written with write(), ")   # the old, imperative way
    write(b"before the app returns.\n")
    return [b"Then the returned iterable.\n"]
