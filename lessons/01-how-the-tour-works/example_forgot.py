def app(environ, start_response):
    print("The server called me for", environ["REQUEST_METHOD"], environ["PATH_INFO"])
    # start_response(...) is missing: the server has no status line to send
    return [b"Hello from the tour!"]
