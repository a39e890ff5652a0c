class Report:
    """The inner app's body: three lines, and a close() that releases its data."""

    def __iter__(self):
        yield b"sales: 12\n"
        yield b"returns: 1\n"
        yield b"open tickets: 3\n"

    def close(self):
        print("report closed")


def report(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return Report()


def no_store(inner):
    def middleware(environ, start_response):
        # TODO: add ("Cache-Control", "no-store") to the response headers.
        body = b"".join(inner(environ, start_response))
        return [body]
    return middleware


app = no_store(report)
