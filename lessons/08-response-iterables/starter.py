MENU = ["Menu\n", "café au lait\n", "crème brûlée\n"]


def app(environ, start_response):
    length = sum(len(line) for line in MENU)
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(length)),
    ])
    return [line.encode("utf-8") for line in MENU]
