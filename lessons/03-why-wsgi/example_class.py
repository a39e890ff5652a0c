class AppClass:
    """PEP 3333's own example: calling the class makes an instance, the iterable."""

    def __init__(self, environ, start_response):
        self.environ = environ
        self.start = start_response

    def __iter__(self):
        status = "200 OK"
        response_headers = [("Content-type", "text/plain")]
        self.start(status, response_headers)
        yield b"Hello world!\n"


app = AppClass
