"""The OpenAPI schema and Swagger UI: the Authorize button logs in through /auth/token."""

import httpx

from app.books.isbn import ISBN_PATTERN
from app.core.text import NO_NUL_PATTERN


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


class TestPublishedRules:
    """Issue 15 (external contract check): requests valid by the published schema were refused
    with 422. Each rule the server checks is in the schema."""

    async def test_every_isbn_states_its_pattern_and_format(
        self, client: httpx.AsyncClient
    ) -> None:
        schema = (await client.get("/openapi.json")).json()
        books = schema["components"]["schemas"]
        (lookup,) = schema["paths"]["/books/lookup/{isbn}"]["get"]["parameters"]
        rule = {"type": "string", "format": "isbn-13", "pattern": ISBN_PATTERN, "minLength": 13}

        assert lookup["schema"] == {
            **rule,
            "title": "Isbn",
            "description": "ISBN-13; hyphens and spaces allowed",
            "examples": ["978-0-441-01359-3"],
        }
        assert books["BookCreate"]["properties"]["isbn"] == {**rule, "title": "Isbn"}
        assert books["BookUpdate"]["properties"]["isbn"] == {**rule, "title": "Isbn"}

    async def test_patch_fields_that_refuse_null_do_not_offer_it(
        self, client: httpx.AsyncClient
    ) -> None:
        schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]

        offers_null = {
            name: sorted(
                field
                for field, schema in schemas[name]["properties"].items()
                if {"type": "null"} in schema.get("anyOf", [])
            )
            for name in ("BookUpdate", "UserUpdate", "AdminUserUpdate")
        }

        assert offers_null == {
            "BookUpdate": ["description"],  # null clears it
            "UserUpdate": [],
            "AdminUserUpdate": [],
        }

    async def test_the_token_form_states_that_empty_fields_are_missing(
        self, client: httpx.AsyncClient
    ) -> None:
        schema = (await client.get("/openapi.json")).json()
        form = schema["components"]["schemas"]["Body_token_auth_token_post"]["properties"]

        assert form["username"] == {"type": "string", "minLength": 1, "title": "Username"}
        assert form["password"] == {
            "type": "string",
            "format": "password",
            "minLength": 1,
            "maxLength": 1024,
            "title": "Password",
        }

    async def test_order_lines_state_each_book_once_as_far_as_json_schema_can(
        self, client: httpx.AsyncClient
    ) -> None:
        schema = (await client.get("/openapi.json")).json()
        order = schema["components"]["schemas"]["OrderCreate"]["properties"]

        assert order["items"] == {
            "type": "array",
            "items": {"$ref": "#/components/schemas/OrderLine"},
            "minItems": 1,
            "maxItems": 50,
            "uniqueItems": True,
            "description": "Each book at most once",
            "title": "Items",
        }

    async def test_text_that_refuses_nul_says_so(self, client: httpx.AsyncClient) -> None:
        schema = (await client.get("/openapi.json")).json()
        schemas = schema["components"]["schemas"]
        (q,) = [p for p in schema["paths"]["/books"]["get"]["parameters"] if p["name"] == "q"]

        patterns = {
            "BookCreate.title": schemas["BookCreate"]["properties"]["title"].get("pattern"),
            "BookCreate.author": schemas["BookCreate"]["properties"]["author"].get("pattern"),
            "UserCreate.name": schemas["UserCreate"]["properties"]["name"].get("pattern"),
            "GET /books?q": q["schema"]["anyOf"][0].get("pattern"),
        }

        assert patterns == dict.fromkeys(patterns, NO_NUL_PATTERN)

    async def test_new_passwords_state_that_all_digits_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]

        assert schemas["UserCreate"]["properties"]["password"]["pattern"] == "[^0-9]"
        assert schemas["UserUpdate"]["properties"]["new_password"]["pattern"] == "[^0-9]"
