def app(request):
    # A handler in the style of many frameworks: one argument, the request,
    # and the response as the return value.
    return f"Hello, {request.path}!"
