MENU = ["Menu\n", "café au lait\n", "crème brûlée\n"]


def app(environ, start_response):
    body = [line.encode("utf-8") for line in MENU]
    length = sum(len(chunk) for chunk in body)  # bytes, not characters
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(length)),
    ])
    return body
