"""POST /files/upload: allowed types by their bytes, names as metadata only, size limits."""

from pathlib import Path

import httpx
import pytest
from dirty_equals import IsInt, IsStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.fixtures.auth import Principal
from tests.integration.files.helpers import file_rows
from tests.support.uploads import (
    TEXT,
    TINY_GIF,
    TINY_JPEG,
    TINY_PDF,
    ApiUser,
    files_outside,
    tiny_png,
    tree,
)

STORAGE_NAME = IsStr(regex=r"[0-9a-f]{32}")


class TestUploadThroughEitherClient:
    async def test_a_png_is_stored_under_a_server_name(
        self, api_user: ApiUser, settings: Settings
    ) -> None:
        await api_user.sign_up("shevek@anarres.example.com")

        response = await api_user.post(
            "/files/upload", files={"file": ("cover.png", tiny_png(), "image/png")}
        )

        assert response.status_code == 201, response.text
        assert response.json() == {
            "id": IsInt(gt=0),
            "filename": "cover.png",
            "size": len(tiny_png()),
            "content_type": "image/png",
        }
        stored = tree(Path(settings.upload_dir))
        assert stored == [STORAGE_NAME]
        assert (Path(settings.upload_dir) / stored[0]).read_bytes() == tiny_png()

        download = await api_user.get(f"/files/{response.json()['id']}")
        assert download.status_code == 200, download.text
        assert download.content == tiny_png()


class TestUploadFile:
    @pytest.mark.parametrize(
        ("filename", "content", "content_type"),
        [
            pytest.param("a.png", tiny_png(), "image/png", id="png"),
            pytest.param("a.jpg", TINY_JPEG, "image/jpeg", id="jpg"),
            pytest.param("a.JPEG", TINY_JPEG, "image/jpeg", id="jpeg_upper_case"),
            pytest.param("a.gif", TINY_GIF, "image/gif", id="gif"),
            pytest.param("a.pdf", TINY_PDF, "application/pdf", id="pdf"),
            pytest.param("a.txt", TEXT, "text/plain; charset=utf-8", id="txt"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_every_allowed_type_is_stored_with_its_row(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        filename: str,
        content: bytes,
        content_type: str,
        principal: Principal,
    ) -> None:
        user = principal.user

        response = await auth_client.post(
            "/files/upload",
            # The declared type is a lie on purpose: only the bytes count.
            files={"file": (filename, content, "application/octet-stream")},
        )

        assert response.status_code == 201, response.text
        assert response.json() == {
            "id": IsInt(gt=0),
            "filename": filename,
            "size": len(content),
            "content_type": content_type,
        }
        [name] = tree(Path(settings.upload_dir))
        assert await file_rows(db_session) == [
            {
                "id": response.json()["id"],
                "owner_id": user.id,
                "storage_name": name,
                "filename": filename,
                "content_type": content_type,
                "size": len(content),
            }
        ]

    @pytest.mark.parametrize(
        ("filename", "content"),
        [
            pytest.param("notes.png", b"plain words, not a picture", id="text_named_png"),
            pytest.param("image.txt", tiny_png(), id="png_named_txt"),
            pytest.param("image.jpg", tiny_png(), id="png_named_jpg"),
            pytest.param("script.sh", b"echo hi", id="extension_not_allowed"),
            pytest.param("README", b"words", id="no_extension"),
            pytest.param("nul.txt", b"a\x00b", id="text_with_nul"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_bytes_not_matching_an_allowed_extension_get_415(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        filename: str,
        content: bytes,
    ) -> None:
        response = await auth_client.post(
            "/files/upload",
            files={"file": (filename, content, "image/png")},
        )

        assert response.status_code == 415, response.text
        assert response.json() == {"detail": "Unsupported file type"}
        assert tree(Path(settings.upload_dir)) == []
        assert await file_rows(db_session) == []

    @pytest.mark.parametrize(
        ("raw", "kept"),
        [
            pytest.param("../../etc/passwd.txt", "passwd.txt", id="dot_dot"),
            pytest.param("/abs/path.txt", "path.txt", id="absolute"),
            # httpx escapes a NUL in a multipart filename as %00 (WHATWG form encoding):
            # the server gets no NUL to strip (the sanitiser's unit tests cover a raw one).
            pytest.param("a\x00b.txt", "a%00b.txt", id="nul"),
            pytest.param("..\\..\\win.txt", "win.txt", id="backslashes"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_a_traversal_name_is_metadata_only(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        tmp_path: Path,
        raw: str,
        kept: str,
    ) -> None:
        response = await auth_client.post(
            "/files/upload",
            files={"file": (raw, TEXT, "text/plain")},
        )

        assert response.status_code == 201, response.text
        assert response.json()["filename"] == kept
        upload_dir = Path(settings.upload_dir)
        assert tree(upload_dir) == [STORAGE_NAME]
        assert files_outside(tmp_path, upload_dir) == []
        [row] = await file_rows(db_session)
        assert row["filename"] == kept

    @pytest.mark.parametrize(
        "filename",
        [
            pytest.param("", id="empty"),
            pytest.param("dir/", id="only_a_directory"),
            pytest.param("   ", id="only_spaces"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_an_empty_filename_gets_400(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        filename: str,
    ) -> None:
        response = await auth_client.post(
            "/files/upload",
            files={"file": (filename, TEXT, "text/plain")},
        )

        assert response.status_code == 400, response.text
        assert response.json() == {"detail": "The file needs a filename"}
        assert tree(Path(settings.upload_dir)) == []

    @pytest.mark.auth("customer")
    async def test_an_empty_file_gets_400(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
    ) -> None:
        response = await auth_client.post(
            "/files/upload",
            files={"file": ("empty.txt", b"", "text/plain")},
        )

        assert response.status_code == 400, response.text
        assert response.json() == {"detail": "The file is empty"}
        assert tree(Path(settings.upload_dir)) == []
        assert await file_rows(db_session) == []

    async def test_anonymous_gets_401(self, client: httpx.AsyncClient, settings: Settings) -> None:
        response = await client.post("/files/upload", files={"file": ("a.txt", TEXT, "text/plain")})

        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "Not authenticated"}
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert tree(Path(settings.upload_dir)) == []


LIMIT = 4096


class TestUploadLimit:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        """This class's apps are built with a 4 KiB file limit (middleware limits follow)."""
        return settings.model_copy(update={"max_upload_bytes": LIMIT})

    @pytest.mark.auth("customer")
    async def test_a_file_of_exactly_the_limit_is_stored(
        self, auth_client: httpx.AsyncClient, settings: Settings
    ) -> None:
        response = await auth_client.post(
            "/files/upload",
            files={"file": ("full.txt", b"a" * LIMIT, "text/plain")},
        )

        assert response.status_code == 201, response.text
        assert response.json()["size"] == LIMIT
        assert tree(Path(settings.upload_dir)) == [STORAGE_NAME]

    @pytest.mark.parametrize(
        "size",
        [
            pytest.param(LIMIT + 1, id="one_byte_over"),
            pytest.param(LIMIT * 100, id="far_over_refused_by_the_body_limit"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_a_file_over_the_limit_gets_413_and_leaves_nothing(
        self,
        auth_client: httpx.AsyncClient,
        settings: Settings,
        db_session: AsyncSession,
        size: int,
    ) -> None:
        response = await auth_client.post(
            "/files/upload",
            files={"file": ("big.txt", b"a" * size, "text/plain")},
        )

        assert response.status_code == 413, response.text
        assert response.json() == {
            "detail": IsStr(regex=r"File too large: at most 4096 bytes|Request body too large")
        }
        assert tree(Path(settings.upload_dir)) == []
        assert await file_rows(db_session) == []
