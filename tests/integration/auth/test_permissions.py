"""Who may call the auth router's protected endpoint: one row per principal."""

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.service import issue_tokens
from app.core.config import Settings
from tests.fixtures.auth import Principal, Principals
from tests.support.tokens import jti_of, revoked_by_jti


class TestLogoutPermissions:
    @pytest.mark.auth(anonymous=401, customer=204, owner=204, other=204, admin=204)
    async def test_only_the_owner_of_a_refresh_token_revokes_it(
        self,
        auth_client: httpx.AsyncClient,
        principal: Principal,
        principals: Principals,
        expected_status: int,
        db_session: AsyncSession,
        settings: Settings,
    ) -> None:
        owner = (await principals.get("owner")).user
        token = issue_tokens(db_session, settings, owner, now=datetime.now(UTC)).refresh_token
        await db_session.commit()

        response = await auth_client.post("/auth/logout", json={"refresh_token": token})

        assert response.status_code == expected_status, response.text
        if expected_status == 401:
            assert response.json() == {"detail": "Not authenticated"}
        # Someone else's token is answered alike (204) but left alone (docs/decisions.md).
        revoked = principal.name == "owner"
        assert await revoked_by_jti(db_session, owner.id) == {jti_of(token): revoked}
