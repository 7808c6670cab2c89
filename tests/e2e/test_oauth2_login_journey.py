import httpx
from dirty_equals import IsInt

from tests.e2e.steps import PASSWORD, UTC_TIMESTAMP, customer, register, token_pair


async def test_swagger_style_form_login_at_the_advertised_token_url_gives_a_working_token(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client, "Genly Ai", "genly@ekumen.example.com")

    # Swagger UI takes the token URL from the schema's security scheme...
    response = await client.get("/openapi.json")
    assert response.status_code == 200, response.text
    assert response.json()["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"scopes": {}, "tokenUrl": "/auth/token"}},
        }
    }

    # ...and posts the OAuth2 password form there, the email as `username`.
    form = {
        "grant_type": "password",
        "username": "Genly@Ekumen.example.com",
        "password": PASSWORD,
        "scope": "",
    }
    response = await client.post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    assert response.json() == token_pair()
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    response = await client.get("/users/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == customer("Genly Ai", "genly@ekumen.example.com")
    assert response.json() == user

    response = await client.post(
        "/books",
        json={
            "title": "The Word for World Is Forest",
            "author": "Ursula K. Le Guin",
            "isbn": "978-0-7653-2635-5",
            "price": 7.25,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "id": IsInt(gt=0),
        "title": "The Word for World Is Forest",
        "author": "Ursula K. Le Guin",
        "isbn": "9780765326355",
        "price": 7.25,
        "description": None,
        "stock": 0,
        "owner_id": user["id"],
        "cover_url": None,
        "created_at": UTC_TIMESTAMP,
        "updated_at": UTC_TIMESTAMP,
    }


async def test_form_login_with_a_mistyped_password_gets_401_and_the_retry_gets_in(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client, "Estraven", "estraven@gethen.example.com")

    response = await client.post(
        "/auth/token",
        data={"username": "estraven@gethen.example.com", "password": "not the passphrase"},
    )
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Invalid email or password"}
    assert response.headers["WWW-Authenticate"] == "Bearer"

    response = await client.post(
        "/auth/token", data={"username": "estraven@gethen.example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json() == token_pair()
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    response = await client.get("/users/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == user
