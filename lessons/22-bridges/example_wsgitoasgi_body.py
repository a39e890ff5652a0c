from asgiref.wsgi import WsgiToAsgi


def upload(environ, start_response):             # a plain WSGI app that reads the body
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    text = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}: {len(body)} bytes"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]


app = WsgiToAsgi(upload)
