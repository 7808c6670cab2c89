"""(a) The ceiling: a bare FastAPI endpoint returning a constant, no database, no middleware."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/constant")
async def constant() -> dict[str, str]:
    return {"status": "ok"}
