import sys


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    try:
        yield b"Row 1\n"
        yield b"Row 2\n"
        raise ValueError("the database went away")
    except ValueError:
        # The headers went out with row 1: start_response re-raises the error.
        start_response("500 Internal Server Error",
                       [("Content-Type", "text/plain; charset=utf-8")], sys.exc_info())
        yield b"Sorry.\n"
