from fastapi import status

from app.core.errors import AppError, NotFound


class FileNotFound(NotFound):
    detail = "File not found"


class MissingFilename(AppError):
    detail = "The file needs a filename"


class EmptyFile(AppError):
    detail = "The file is empty"


class FileTooLarge(AppError):
    status_code = status.HTTP_413_CONTENT_TOO_LARGE

    def __init__(self, limit: int) -> None:
        super().__init__(f"File too large: at most {limit} bytes")


class UnsupportedFileType(AppError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    detail = "Unsupported file type"
