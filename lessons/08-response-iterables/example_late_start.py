def app(environ, start_response):
    def report():
        yield b"Daily report\n"  # a body chunk before start_response
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        yield b"All systems normal.\n"

    return report()
