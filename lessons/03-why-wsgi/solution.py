class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting

    def __call__(self, environ, start_response):
        text = f"{self.greeting}, WSGI!"
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [text.encode("utf-8")]


app = Greeter("Bonjour")
