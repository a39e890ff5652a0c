from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello(name: str = "world"):
    return {"greeting": f"Hello, {name}!"}
