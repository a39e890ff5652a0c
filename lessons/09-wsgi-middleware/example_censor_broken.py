def page(environ, start_response):
    body = b"What the heck is a middleware?\n"
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


def censor(inner):
    def middleware(environ, start_response):
        chunks = inner(environ, start_response)
        # Changes the body but passes the inner app's Content-Length on unchanged.
        return [chunk.replace(b"heck", b"[censored]") for chunk in chunks]
    return middleware


app = censor(page)
