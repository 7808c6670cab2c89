"""GET /files/{id}: the bytes as an attachment, for the owner or an admin; 404 for others."""

from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.users.models import User
from tests.integration.files.helpers import file_rows
from tests.support.data import CreateUser
from tests.support.host import bearer_headers
from tests.support.uploads import TEXT, tiny_png, tree


async def _upload(
    client: httpx.AsyncClient, settings: Settings, owner: User, filename: str, content: bytes
) -> int:
    response = await client.post(
        "/files/upload",
        files={"file": (filename, content, "application/octet-stream")},
        headers=bearer_headers(settings, owner),
    )
    assert response.status_code == 201, response.text
    file_id: int = response.json()["id"]
    return file_id


class TestDownloadFile:
    @pytest.mark.parametrize(
        "reader", [pytest.param("owner", id="owner"), pytest.param("admin", id="admin")]
    )
    async def test_owner_or_admin_gets_the_bytes_as_an_attachment(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings, reader: str
    ) -> None:
        owner = await create_user()
        admin = await create_user(admin=True)
        file_id = await _upload(client, settings, owner, "cover.png", tiny_png())

        response = await client.get(
            f"/files/{file_id}",
            headers=bearer_headers(settings, owner if reader == "owner" else admin),
        )

        assert response.status_code == 200, response.text
        assert response.content == tiny_png()
        assert response.headers["content-type"] == "image/png"
        assert response.headers["content-length"] == str(len(tiny_png()))
        assert response.headers["content-disposition"] == 'attachment; filename="cover.png"'

    @pytest.mark.parametrize(
        ("filename", "disposition"),
        [
            pytest.param(
                "Grüße.txt",
                "attachment; filename=\"Gr__e.txt\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.txt",
                id="non_ascii",
            ),
            # httpx sends a quote in a multipart filename as %22: that is the name we get.
            pytest.param(
                'say "hi".txt', 'attachment; filename="say %22hi%22.txt"', id="quotes_as_sent"
            ),
        ],
    )
    async def test_the_attachment_name_is_encoded(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        settings: Settings,
        filename: str,
        disposition: str,
    ) -> None:
        owner = await create_user()
        file_id = await _upload(client, settings, owner, filename, TEXT)

        response = await client.get(f"/files/{file_id}", headers=bearer_headers(settings, owner))

        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["content-disposition"] == disposition
        assert response.content == TEXT

    @pytest.mark.parametrize(
        "path",
        [
            pytest.param("other_users", id="another_users_file"),
            pytest.param("/files/999999", id="missing"),
        ],
    )
    async def test_others_and_missing_get_the_same_404(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings, path: str
    ) -> None:
        owner, other = await create_user(), await create_user()
        file_id = await _upload(client, settings, owner, "a.txt", TEXT)
        url = f"/files/{file_id}" if path == "other_users" else path

        response = await client.get(url, headers=bearer_headers(settings, other))

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "File not found"}

    async def test_anonymous_gets_401(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings
    ) -> None:
        file_id = await _upload(client, settings, await create_user(), "a.txt", TEXT)

        response = await client.get(f"/files/{file_id}")

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Not authenticated"}


async def test_a_failed_commit_leaves_no_file_behind(
    client: httpx.AsyncClient,
    create_user: CreateUser,
    settings: Settings,
    db_session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = await create_user()

    async def broken_commit() -> None:
        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    monkeypatch.setattr(db_session, "commit", broken_commit)
    with pytest.raises(OperationalError, match="connection lost"):
        await client.post(
            "/files/upload",
            files={"file": ("a.txt", TEXT, "text/plain")},
            headers=bearer_headers(settings, user),
        )
    monkeypatch.undo()

    assert tree(Path(settings.upload_dir)) == []
    assert await file_rows(db_session) == []
