calls = 0   # module state: lives as long as the app object


def app(environ, start_response):
    global calls
    calls += 1
    text = f"Call number {calls} of this app object, for {environ['PATH_INFO']}\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
