hits = 0  # module level: created once per process, when the server imports the app


def app(environ, start_response):
    global hits
    hits += 1
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [f"hit number {hits}\n".encode("ascii")]
