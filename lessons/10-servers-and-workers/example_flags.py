def app(environ, start_response):
    keys = ["SERVER_SOFTWARE", "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once"]
    text = "".join(f"{key} = {environ[key]!r}\n" for key in keys)
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
