from fastapi import APIRouter, Depends

from app.catalog import service
from app.catalog.dependencies import CatalogDep, IsbnPath
from app.catalog.schemas import BookMetadata
from app.core.errors import BEARER_ERRORS, error_responses
from app.users.dependencies import get_current_user

router = APIRouter(prefix="/books", tags=["books"], dependencies=[Depends(get_current_user)])


@router.get("/lookup/{isbn}", responses=error_responses(*BEARER_ERRORS, 404, 502, 504))
async def lookup_book(catalog: CatalogDep, isbn: IsbnPath) -> BookMetadata:
    """A book's metadata from the outside catalogue, by ISBN; nothing is stored."""
    return await service.lookup(catalog, isbn)
