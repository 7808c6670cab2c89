import hashlib
from base64 import b64encode

from app.core.security_headers import DOCS_CSP, SecurityHeaders


def sha256_source(script: bytes) -> str:
    return f"'sha256-{b64encode(hashlib.sha256(script).digest()).decode()}'"


class TestDocsCsp:
    def test_each_inline_script_is_hashed_in_page_order_and_a_src_script_is_not(self) -> None:
        page = (
            b'<script src="https://cdn.jsdelivr.net/ui.js"></script>\n'
            b"<script>first()</script>\n"
            b'<script type="module">\nsecond()\n</script>'
        )

        name, value = SecurityHeaders.docs_csp(page)

        hashes = " ".join(["", sha256_source(b"first()"), sha256_source(b"\nsecond()\n")])
        assert (name, value) == (
            b"content-security-policy",
            DOCS_CSP.format(hashes=hashes).encode("latin-1"),
        )
