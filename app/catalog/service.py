from app.catalog.client import Catalog
from app.catalog.exceptions import CatalogBookNotFound
from app.catalog.schemas import BookMetadata


async def lookup(catalog: Catalog, isbn: str) -> BookMetadata:
    metadata = await catalog.lookup(isbn)
    if metadata is None:
        raise CatalogBookNotFound
    return metadata
