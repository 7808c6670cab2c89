"""POST /files/upload-multiple: 1..10 files, all stored or none (files and rows alike)."""

from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path

import httpx
import pytest
from dirty_equals import IsInt
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.files.dependencies import get_storage
from app.files.storage import LocalFileStorage, SavedFile
from tests.fixtures.app import Overrides
from tests.fixtures.auth import Principal
from tests.integration.files.helpers import file_rows
from tests.support.uploads import TEXT, TINY_GIF, TINY_PDF, tiny_png, tree

Part = tuple[str, tuple[str, bytes, str]]


def parts(*named: tuple[str, bytes]) -> list[Part]:
    return [("files", (name, content, "application/octet-stream")) for name, content in named]


def public(filename: str, content: bytes, content_type: str) -> dict[str, object]:
    return {"id": IsInt(), "filename": filename, "size": len(content), "content_type": content_type}


class StorageFailingOnSave:
    """Local storage whose `fail_on`-th save breaks after writing part of the file."""

    def __init__(self, directory: str, fail_on: int) -> None:
        self.inner = LocalFileStorage(directory)
        self.fail_on = fail_on
        self.saves = 0

    async def save(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> SavedFile:
        self.saves += 1
        if self.saves != self.fail_on:
            return await self.inner.save(chunks, max_bytes=max_bytes)

        async def breaking() -> AsyncIterator[bytes]:
            async for chunk in chunks:
                yield chunk
                raise OSError("disk full")

        return await self.inner.save(breaking(), max_bytes=max_bytes)

    def read(self, name: str) -> AsyncIterator[bytes]:
        return self.inner.read(name)

    async def delete(self, name: str) -> None:
        await self.inner.delete(name)


class TestUploadMultiple:
    @pytest.mark.auth("customer")
    async def test_every_file_is_stored_with_its_row(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        principal: Principal,
    ) -> None:
        user = principal.user

        response = await auth_client.post(
            "/files/upload-multiple",
            files=parts(("a.png", tiny_png()), ("b.txt", TEXT), ("c.pdf", TINY_PDF)),
        )

        assert response.status_code == 201, response.text
        assert response.json() == {
            "uploaded": 3,
            "files": [
                public("a.png", tiny_png(), "image/png"),
                public("b.txt", TEXT, "text/plain; charset=utf-8"),
                public("c.pdf", TINY_PDF, "application/pdf"),
            ],
        }
        assert len(tree(Path(settings.upload_dir))) == 3
        rows = await file_rows(db_session)
        assert [(row["id"], row["owner_id"]) for row in rows] == [
            (item["id"], user.id) for item in response.json()["files"]
        ]

    @pytest.mark.parametrize(
        ("count", "status"),
        [
            pytest.param(1, 201, id="one_allowed"),
            pytest.param(10, 201, id="ten_allowed"),
            pytest.param(11, 422, id="eleven_refused"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_one_to_ten_files(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        count: int,
        status: int,
    ) -> None:
        response = await auth_client.post(
            "/files/upload-multiple",
            files=parts(*[(f"{index}.txt", TEXT) for index in range(count)]),
        )

        assert response.status_code == status, response.text
        if status == 422:
            message = "List should have at most 10 items after validation, not 11"
            assert response.json() == {
                "detail": [{"loc": ["body", "files"], "msg": message, "type": "too_long"}]
            }
        assert len(tree(Path(settings.upload_dir))) == (count if status == 201 else 0)
        assert len(await file_rows(db_session)) == (count if status == 201 else 0)

    @pytest.mark.auth("customer")
    async def test_no_files_gets_422(self, auth_client: httpx.AsyncClient) -> None:
        response = await auth_client.post(
            "/files/upload-multiple", data={"other": "x"}, files=parts()
        )

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["body", "files"], "msg": "Field required", "type": "missing"}]
        }

    @pytest.mark.parametrize(
        ("bad", "status"),
        [
            pytest.param(("fake.gif", b"not a gif"), 415, id="wrong_type"),
            pytest.param(("empty.txt", b""), 400, id="empty"),
            # Without a filename a part is a plain field, not a file: 422 here (a list of
            # files cannot also take fields in FastAPI), 400 on /files/upload.
            pytest.param(("", TEXT), 422, id="no_filename"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_one_bad_file_in_the_middle_stores_nothing(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        bad: tuple[str, bytes],
        status: int,
    ) -> None:
        response = await auth_client.post(
            "/files/upload-multiple",
            files=parts(("a.png", tiny_png()), ("b.gif", TINY_GIF), bad, ("d.txt", TEXT)),
        )

        assert response.status_code == status, response.text
        assert tree(Path(settings.upload_dir)) == []
        assert await file_rows(db_session) == []

    @pytest.mark.auth("customer")
    async def test_storage_failing_in_the_middle_keeps_no_file_and_no_row(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        override: Overrides,
    ) -> None:
        storage = StorageFailingOnSave(settings.upload_dir, fail_on=2)
        override(get_storage, lambda: storage)

        with pytest.raises(OSError, match="disk full"):
            await auth_client.post(
                "/files/upload-multiple",
                files=parts(("a.png", tiny_png()), ("b.txt", TEXT), ("c.gif", TINY_GIF)),
            )

        assert storage.saves == 2
        assert tree(Path(settings.upload_dir)) == []
        assert await file_rows(db_session) == []


# A file limit past the multipart overhead allowance, so that three files at it make a body
# larger than /files/upload's own body limit (app/files/service.py body_limits).
LIMIT = 128 * 1024


class TestUploadMultipleLimit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        """This class's apps are built with a 128 KiB file limit (middleware limits follow)."""
        return settings.model_copy(update={"max_upload_bytes": LIMIT})

    @pytest.mark.auth("customer")
    async def test_files_at_the_limit_together_past_one_files_body_are_stored(
        self, auth_client: httpx.AsyncClient, settings: Settings, db_session: AsyncSession
    ) -> None:
        response = await auth_client.post(
            "/files/upload-multiple",
            files=parts(*[(f"{index}.txt", b"a" * LIMIT) for index in range(3)]),
        )

        assert response.status_code == 201, response.text
        assert [item["size"] for item in response.json()["files"]] == [LIMIT] * 3
        assert len(tree(Path(settings.upload_dir))) == 3
        assert len(await file_rows(db_session)) == 3
