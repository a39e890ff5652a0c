saved = {}  # lives as long as the process, shared by every request


def app(environ, start_response):
    # Keep the first request's start_response "to save work" (a bad idea).
    respond = saved.setdefault("start_response", start_response)
    respond("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"hello\n"]
