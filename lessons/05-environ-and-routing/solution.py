from urllib.parse import parse_qs


def app(environ, start_response):
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO", "") or "/"
    query = parse_qs(environ.get("QUERY_STRING", ""))
    headers = [("Content-Type", "text/plain; charset=utf-8")]
    if path == "/" and method == "GET":
        status, text = "200 OK", "Welcome home."
    elif path == "/hello" and method == "GET":
        name = query.get("name", ["stranger"])[0]
        status, text = "200 OK", f"Hello, {name}!"
    elif path in ("/", "/hello"):
        status, text = "405 Method Not Allowed", f"{method} is not allowed here."
        headers.append(("Allow", "GET"))
    else:
        status, text = "404 Not Found", f"Nothing at {path}."
    start_response(status, headers)
    return [text.encode("utf-8")]
