PRICES = {"apple": "Apples: 3 EUR/kg\n", "plum": "Plums: 5 EUR/kg\n"}


def app(environ, start_response):
    name = environ["PATH_INFO"].rsplit("/", 1)[-1]
    # Decide first, then call start_response exactly once.
    if name in PRICES:
        status, body = "200 OK", PRICES[name].encode("utf-8")
    else:
        status, body = "404 Not Found", b"No such item.\n"
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [body]
