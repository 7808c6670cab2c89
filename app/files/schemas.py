from pydantic import BaseModel, ConfigDict


class FilePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    size: int
    content_type: str


class UploadedFiles(BaseModel):
    uploaded: int
    files: list[FilePublic]
