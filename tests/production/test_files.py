"""An upload, its download, a book's cover and its bytes, on the storage the settings name
(issue 21)."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.host import bearer_headers
from tests.support.production import Deployed, committed_book, committed_user
from tests.support.uploads import TEXT, tiny_png


async def test_an_upload_is_downloaded_as_sent(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
) -> None:
    user = await committed_user(committed_db)
    headers = bearer_headers(deployed.settings, user)

    uploaded = await deployed_client.post(
        "/files/upload", files={"file": ("notes.txt", TEXT, "text/plain")}, headers=headers
    )
    downloaded = await deployed_client.get(f"/files/{uploaded.json()['id']}", headers=headers)

    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json() == {
        "id": uploaded.json()["id"],
        "filename": "notes.txt",
        "size": len(TEXT),
        "content_type": "text/plain; charset=utf-8",
    }
    assert (downloaded.status_code, downloaded.content) == (200, TEXT)


async def test_a_cover_is_served_as_uploaded(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
) -> None:
    owner = await committed_user(committed_db)
    book = await committed_book(committed_db, owner)
    png = tiny_png()

    uploaded = await deployed_client.put(
        f"/books/{book.id}/cover",
        files={"file": ("cover.png", png, "image/png")},
        headers=bearer_headers(deployed.settings, owner),
    )
    cover = await deployed_client.get(f"/books/{book.id}/cover")

    assert (uploaded.status_code, uploaded.json()) == (
        200,
        {"url": f"/books/{book.id}/cover", "content_type": "image/png", "size": len(png)},
    )
    assert (cover.status_code, cover.headers["content-type"], cover.content) == (
        200,
        "image/png",
        png,
    )
