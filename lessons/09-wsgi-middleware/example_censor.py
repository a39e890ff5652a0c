def page(environ, start_response):
    body = b"What the heck is a middleware?\n"
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


def censor(inner):
    def middleware(environ, start_response):
        def start_response_without_length(status, headers, exc_info=None):
            # The body will change length: drop the inner app's Content-Length.
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            return start_response(status, headers, exc_info)

        chunks = inner(environ, start_response_without_length)
        return censored(chunks)
    return middleware


def censored(chunks):
    try:
        for chunk in chunks:
            yield chunk.replace(b"heck", b"[censored]")  # one block out per block in
    finally:
        if hasattr(chunks, "close"):
            chunks.close()  # the server closes us; we close the inner app's iterable


app = censor(page)
