from a2wsgi import WSGIMiddleware


def hello(environ, start_response):              # a plain WSGI app
    name = environ["QUERY_STRING"].partition("=")[2] or "world"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [f"Hello, {name}!".encode()]


app = WSGIMiddleware(hello)                       # an ASGI app that runs hello in a thread
