def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Hello from the inner app\n"]


def add_server_header(inner):
    """Middleware: an app that calls another app."""
    def middleware(environ, start_response):
        def start_response_with_header(status, headers, exc_info=None):
            headers = headers + [("X-Wrapped-By", "add_server_header")]
            # Return the server's write() callable, as start_response must.
            return start_response(status, headers, exc_info)

        return inner(environ, start_response_with_header)
    return middleware


app = add_server_header(hello)
