def app(environ, start_response):
    # The path of the request is in environ["PATH_INFO"], e.g. "/ada".
    name = "world"
    text = "Hello, " + name + "!"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
