from app.core.errors import BadGateway, GatewayTimeout, NotFound


class CatalogBookNotFound(NotFound):
    detail = "The catalogue has no book with this ISBN"


class CatalogUnavailable(BadGateway):
    """The catalogue failed: unreachable, a 5xx after the retries, a refusal, or nonsense."""

    detail = "The book catalogue is unavailable"


class CatalogCircuitOpen(CatalogUnavailable):
    detail = "The book catalogue is unavailable (failing fast after repeated failures)"


class CatalogTimeout(GatewayTimeout):
    detail = "The book catalogue did not answer in time"
