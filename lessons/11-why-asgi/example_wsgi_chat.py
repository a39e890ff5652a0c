def app(environ, start_response):
    # One call, one response: there is no way to wait for the client's next
    # message or to send another one later.
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Welcome to the chat!\n"]
