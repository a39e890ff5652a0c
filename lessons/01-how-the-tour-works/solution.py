def app(environ, start_response):
    print("I ran it")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"I ran it!"]
