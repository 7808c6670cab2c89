"""The password policy: 8..128 characters, not all digits, not a well-known password."""

# Well-known passwords of 8+ characters (from public breach top lists), compared lower-cased.
COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password12", "password123", "password1234", "passw0rd",
        "12345678", "123456789", "1234567890", "qwertyuiop", "qwerty123", "qwerty12",
        "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "iloveyou", "iloveyou1",
        "sunshine", "sunshine1", "princess", "princess1", "football", "football1",
        "baseball", "welcome1", "welcome123", "abc12345", "abcd1234", "admin123",
        "administrator", "letmein1", "trustno1", "superman", "starwars", "whatever",
        "michelle", "jennifer", "computer", "corvette", "mercedes", "internet",
        "qwertyui", "asdfghjk", "asdfghjkl", "zxcvbnm1", "11111111", "00000000",
        "aaaaaaaa", "changeme", "changeme1", "secret123", "dragon123", "monkey123",
        "master123", "shadow123", "bookstore", "bookstore1",
    }
)  # fmt: skip


def check_password_policy(password: str) -> str:
    if password.isdigit():
        raise ValueError("Password must not be all digits")
    if password.lower() in COMMON_PASSWORDS:
        raise ValueError("Password is too common")
    return password
