from django.conf import settings

if not settings.configured:              # what a project's settings.py would say
    settings.configure(
        ROOT_URLCONF=__name__,           # the URLs are in this file
        ALLOWED_HOSTS=["*"],
        SECRET_KEY="lesson-only",
        MIDDLEWARE=[],
    )

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path


def hello(request):
    name = request.GET.get("name", "world")
    return HttpResponse(f"Hello, {name}!", content_type="text/plain")


urlpatterns = [path("hello", hello)]

app = get_wsgi_application()             # what the project's wsgi.py does
