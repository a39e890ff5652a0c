def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return countdown(3)


def countdown(n):
    # Each yield hands one block to the server, which sends it before asking for more.
    while n > 0:
        yield f"{n}...\n".encode("ascii")
        n -= 1
    yield b"liftoff\n"
