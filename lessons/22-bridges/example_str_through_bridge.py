from a2wsgi import WSGIMiddleware


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return ["Hello, WSGI!"]                       # a str, not bytes: a WSGI bug


app = WSGIMiddleware(hello)
