"""(c0), (d0): the real app without its middleware, to tell the read path's own cost from the
middleware's (`--without-middleware`). Production settings, the same lifespan and routes."""

from app.main import create_app

app = create_app()
# Starlette builds the middleware stack on the first call: emptied here, none is built.
app.user_middleware.clear()
