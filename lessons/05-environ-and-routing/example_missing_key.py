def app(environ, start_response):
    agent = environ["HTTP_USER_AGENT"]  # only there when the client sent User-Agent
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [f"Your browser: {agent}".encode("utf-8")]
