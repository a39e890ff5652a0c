from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


@asynccontextmanager
async def lifespan(app):
    print("startup: opening the connection pool")
    yield {"pool": {"connections": 3}}         # becomes scope["state"]
    print("shutdown: closing the pool")


async def index(request):
    pool = request.state.pool                  # read from scope["state"]
    return PlainTextResponse(f"{pool['connections']} connections in the pool")


app = Starlette(routes=[Route("/", index)], lifespan=lifespan)
