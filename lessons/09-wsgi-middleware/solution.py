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
        def start_response_no_store(status, headers, exc_info=None):
            headers = headers + [("Cache-Control", "no-store")]
            return start_response(status, headers, exc_info)

        # Return the inner iterable itself: the server iterates it and calls its close().
        return inner(environ, start_response_no_store)
    return middleware


app = no_store(report)
