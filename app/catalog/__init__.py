"""The outside ISBN catalogue: GET /books/lookup/{isbn} (docs/outbound-services.md)."""
