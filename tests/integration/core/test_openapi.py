"""The OpenAPI schema and Swagger UI: the Authorize button logs in through /auth/token."""

import httpx


class TestOpenApi:
    async def test_schema_declares_the_oauth2_password_flow_on_auth_token(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/openapi.json")

        assert response.status_code == 200, response.text
        schema = response.json()
        assert schema["components"]["securitySchemes"] == {
            "OAuth2PasswordBearer": {
                "type": "oauth2",
                "flows": {"password": {"scopes": {}, "tokenUrl": "/auth/token"}},
            }
        }
        bearer_only: list[dict[str, list[str]]] = [{"OAuth2PasswordBearer": []}]
        assert schema["paths"]["/users/me"]["get"]["security"] == bearer_only
        assert schema["paths"]["/admin/users"]["get"]["security"] == bearer_only
        assert "security" not in schema["paths"]["/auth/register"]["post"]

    async def test_docs_serve_swagger_ui_over_the_schema(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/docs")

        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "SwaggerUIBundle" in response.text
        assert "'/openapi.json'" in response.text
