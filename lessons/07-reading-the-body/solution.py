import json


def app(environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data = json.loads(environ["wsgi.input"].read(length))
        numbers = data["numbers"]
        total = sum(numbers)
    except (ValueError, TypeError, KeyError):
        start_response("400 Bad Request", [("Content-Type", "application/json")])
        return [b'{"error": "send {\\"numbers\\": [...]}"}']
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"sum": total}).encode("utf-8")]
