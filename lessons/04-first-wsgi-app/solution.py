def app(environ, start_response):
    name = environ["PATH_INFO"].lstrip("/")
    text = "Hello, " + name + "!"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
