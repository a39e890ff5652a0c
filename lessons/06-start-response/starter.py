PRICES = {"apple": "Apples: 3 EUR/kg\n", "plum": "Plums: 5 EUR/kg\n"}


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    name = environ["PATH_INFO"].rsplit("/", 1)[-1]
    try:
        text = PRICES[name]
    except KeyError:
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"No such item.\n"]
    return [text.encode("utf-8")]
