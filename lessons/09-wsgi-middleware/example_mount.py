def where_am_i(environ, start_response):
    text = f"SCRIPT_NAME={environ['SCRIPT_NAME']!r} PATH_INFO={environ['PATH_INFO']!r}\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]


class Mount:
    """Serve `inner` under a URL prefix, as if it were deployed at that path."""

    def __init__(self, prefix, inner):
        self.prefix = prefix
        self.inner = inner

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path != self.prefix and not path.startswith(self.prefix + "/"):
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not under " + self.prefix.encode("latin-1") + b"\n"]
        environ = dict(environ)  # a copy: leave the caller's dict alone
        environ["SCRIPT_NAME"] = environ["SCRIPT_NAME"] + self.prefix
        environ["PATH_INFO"] = path[len(self.prefix):]
        return self.inner(environ, start_response)


app = Mount("/api", where_am_i)
