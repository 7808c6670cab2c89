"""GET /files/{id}: the bytes as an attachment, for the owner or an admin; 404 for others."""

from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.fixtures.auth import Principal, Principals
from tests.integration.files.helpers import file_rows
from tests.support.uploads import TEXT, tiny_png, tree


async def _upload(
    client: httpx.AsyncClient, filename: str, content: bytes, *, as_: Principal | None = None
) -> int:
    """Uploads as the client's principal, or as `as_` when given."""
    response = await client.post(
        "/files/upload",
        files={"file": (filename, content, "application/octet-stream")},
        headers=as_.headers if as_ else None,
    )
    assert response.status_code == 201, response.text
    file_id: int = response.json()["id"]
    return file_id


class TestDownloadFile:
    @pytest.mark.auth("owner", "admin")
    async def test_owner_or_admin_gets_the_bytes_as_an_attachment(
        self, client: httpx.AsyncClient, auth_client: httpx.AsyncClient, principals: Principals
    ) -> None:
        owner = await principals.get("owner")
        file_id = await _upload(client, "cover.png", tiny_png(), as_=owner)

        response = await auth_client.get(f"/files/{file_id}")

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
    @pytest.mark.auth("customer")
    async def test_the_attachment_name_is_encoded(
        self,
        auth_client: httpx.AsyncClient,
        filename: str,
        disposition: str,
    ) -> None:
        file_id = await _upload(auth_client, filename, TEXT)

        response = await auth_client.get(f"/files/{file_id}")

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
    @pytest.mark.auth("other")
    async def test_others_and_missing_get_the_same_404(
        self,
        client: httpx.AsyncClient,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        path: str,
    ) -> None:
        owner = await principals.get("owner")
        file_id = await _upload(client, "a.txt", TEXT, as_=owner)
        url = f"/files/{file_id}" if path == "other_users" else path

        response = await auth_client.get(url)

        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "File not found"}

    async def test_anonymous_gets_401(
        self, client: httpx.AsyncClient, principals: Principals
    ) -> None:
        file_id = await _upload(client, "a.txt", TEXT, as_=await principals.get("owner"))

        response = await client.get(f"/files/{file_id}")

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Not authenticated"}


@pytest.mark.auth("customer")
async def test_a_failed_commit_leaves_no_file_behind(
    auth_client: httpx.AsyncClient,
    settings: Settings,
    db_session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken_commit() -> None:
        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    monkeypatch.setattr(db_session, "commit", broken_commit)
    with pytest.raises(OperationalError, match="connection lost"):
        await auth_client.post(
            "/files/upload",
            files={"file": ("a.txt", TEXT, "text/plain")},
        )
    monkeypatch.undo()

    assert tree(Path(settings.upload_dir)) == []
    assert await file_rows(db_session) == []
