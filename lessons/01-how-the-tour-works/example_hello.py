def app(environ, start_response):
    print("The server called me for", environ["REQUEST_METHOD"], environ["PATH_INFO"])
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Hello from the tour!"]
