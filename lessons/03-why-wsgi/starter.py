class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting

    # Add __call__(self, environ, start_response): answer f"{self.greeting}, WSGI!"


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Hello, WSGI!"]


app = hello   # make this Greeter("Bonjour")
